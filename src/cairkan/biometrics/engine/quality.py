"""The quality gate: is this capture good enough to judge? If not, say what to fix.

A capture that fails here is answered at once with coaching and never counts as a
failed attempt (architecture: face verification policy). Blur is judged on a
contrast-normalised face, so a dark but sharp photo is "too dark", not "blurry".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from PIL import Image

from cairkan.biometrics.engine.faces import Face, FaceEngine
from cairkan.biometrics.engine.images import RGBImage

QUALITY_CODES = (
    "no_face",
    "multiple_faces",
    "face_too_small",
    "too_dark",
    "too_bright",
    "blurry",
)


@dataclass(frozen=True, slots=True)
class QualityLimits:
    """Calibrated on real photos with darkened, overexposed and blurred copies
    (docs/face.md, "Quality gate")."""

    min_face_px: int = 80  # dlib's embedding works on a 150 px chip; smaller is guesswork
    min_face_fraction: float = 0.15  # of the image's short side
    second_face_fraction: float = 0.4  # a second face this big (vs the first) counts
    dark_below: float = 45.0  # mean grey level of the face, 0-255
    bright_above: float = 210.0
    saturated_fraction: float = 0.25  # share of face pixels blown out to white
    blurry_below: float = 0.002  # normalised high-frequency energy of the face
    textured_above: float = 10.0  # grey-level spread below which a frame is featureless


@dataclass(frozen=True, slots=True)
class QualityReport:
    codes: tuple[str, ...]
    face: Face | None
    brightness: float
    sharpness: float | None
    faces_found: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.codes


DEFAULT_LIMITS = QualityLimits()


def grey(image: RGBImage) -> npt.NDArray[np.float64]:
    weights = np.array([0.299, 0.587, 0.114])
    return np.asarray(np.asarray(image, dtype=np.float64) @ weights, dtype=np.float64)


def sharpness(region: npt.NDArray[np.float64]) -> float:
    """High-frequency energy of a region, independent of its brightness and contrast:
    the region is resized to 128 px and standardised before the Laplacian."""
    small = Image.fromarray(region.astype(np.float32), mode="F").resize((128, 128))
    values = np.asarray(small, dtype=np.float64)
    spread = values.std()
    if spread < 1.0:  # a flat region has no detail to judge
        return 0.0
    values = (values - values.mean()) / spread
    laplacian = (
        4 * values[1:-1, 1:-1]
        - values[:-2, 1:-1]
        - values[2:, 1:-1]
        - values[1:-1, :-2]
        - values[1:-1, 2:]
    )
    return float(laplacian.var() / 20.0)  # a white-noise region scores about 1


def _face_region(image_grey: npt.NDArray[np.float64], face: Face) -> npt.NDArray[np.float64]:
    height, width = image_grey.shape
    top, bottom = max(face.top, 0), min(face.bottom, height)
    left, right = max(face.left, 0), min(face.right, width)
    return image_grey[top:bottom, left:right]


def assess_quality(
    engine: FaceEngine, image: RGBImage, limits: QualityLimits = QualityLimits()
) -> QualityReport:
    levels = grey(image)
    overall = float(levels.mean())
    faces = engine.detect(image)
    if not faces:
        # A face too small for the plain detector may still be there.
        faces = engine.detect(image, upsample=1)
        if not faces:
            codes = _lighting_codes(overall, float((levels >= 250).mean()), limits)
            # A shaken photo hides the face but keeps its contrast; a bare wall has none.
            textured = levels.std() >= limits.textured_above
            if not codes and textured and sharpness(levels) < limits.blurry_below:
                codes = ["blurry"]
            return QualityReport(tuple(codes or ["no_face"]), None, overall, None)
    face = faces[0]
    region = _face_region(levels, face)
    brightness = float(region.mean()) if region.size else overall
    saturated = float((region >= 250).mean()) if region.size else 0.0
    detail = sharpness(region) if region.size else 0.0
    codes = []
    if len(faces) > 1 and faces[1].width >= limits.second_face_fraction * face.width:
        codes.append("multiple_faces")
    short_side = min(image.shape[0], image.shape[1])
    too_small = face.width < max(limits.min_face_px, limits.min_face_fraction * short_side)
    if too_small:
        codes.append("face_too_small")
    codes += _lighting_codes(brightness, saturated, limits)
    if not too_small and detail < limits.blurry_below:  # a tiny face has no detail to judge
        codes.append("blurry")
    return QualityReport(
        tuple(codes), face, brightness, detail, len(faces), {"saturated": saturated}
    )


def _lighting_codes(brightness: float, saturated: float, limits: QualityLimits) -> list[str]:
    if brightness < limits.dark_below:
        return ["too_dark"]
    if brightness > limits.bright_above or saturated > limits.saturated_fraction:
        return ["too_bright"]
    return []
