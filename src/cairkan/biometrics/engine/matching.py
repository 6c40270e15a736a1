"""Is the probe the person in the reference photo? A distance and what it means."""

from __future__ import annotations

from dataclasses import dataclass

from cairkan.biometrics.engine.faces import Embedding, FaceEngine, distance
from cairkan.biometrics.engine.images import RGBImage
from cairkan.biometrics.engine.quality import DEFAULT_LIMITS, QualityLimits, assess_quality


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Euclidean distance between dlib embeddings. Measured in docs/face.md: at or below
    ``match`` the same person; above ``review`` someone else; between the two a human
    decides, and the member is not charged a failed attempt."""

    match: float = 0.50
    review: float = 0.60

    def __post_init__(self) -> None:
        if not 0 < self.match <= self.review:
            raise ValueError("thresholds must satisfy 0 < match <= review")


@dataclass(frozen=True, slots=True)
class MatchResult:
    decision: str  # "match", "no_match" or "retake"
    quality: tuple[str, ...]
    distance: float | None
    review: bool = False  # borderline: decision is no_match, but a person should look

    def as_json(self) -> dict[str, object]:
        return {
            "decision": self.decision,
            "quality": list(self.quality),
            "distance": None if self.distance is None else round(self.distance, 4),
            "review": self.review,
        }


class NoUsableReference(ValueError):
    """The reference photo shows no single clear face."""


def reference_embedding(engine: FaceEngine, image: RGBImage) -> Embedding:
    """The embedding of the one face in a reference photo (registry or enrolment).

    Registry photos are small and old, so only the presence of one face is required.
    """
    faces = engine.detect(image) or engine.detect(image, upsample=1)
    if not faces:
        raise NoUsableReference("no face found in the reference photo")
    if len(faces) > 1 and faces[1].width >= 0.4 * faces[0].width:
        raise NoUsableReference("more than one face in the reference photo")
    return engine.embed(image, faces[0])


def decide(distance_value: float, thresholds: Thresholds) -> MatchResult:
    if distance_value <= thresholds.match:
        return MatchResult("match", (), distance_value)
    return MatchResult("no_match", (), distance_value, review=distance_value <= thresholds.review)


DEFAULT_THRESHOLDS = Thresholds()


def compare(
    engine: FaceEngine,
    reference: Embedding,
    probe: RGBImage,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    limits: QualityLimits = DEFAULT_LIMITS,
) -> MatchResult:
    """Quality first (a failing capture is a retake, never a no-match), then distance
    to the reference embedding (``reference_embedding`` of the reference photo)."""
    report = assess_quality(engine, probe, limits)
    if not report.ok or report.face is None:
        return MatchResult("retake", report.codes, None)
    return decide(distance(reference, engine.embed(probe, report.face)), thresholds)
