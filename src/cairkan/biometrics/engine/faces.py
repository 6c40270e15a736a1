"""Faces in an image: where they are, five landmarks, head pose and the embedding."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import dlib
import face_recognition_models
import numpy as np
import numpy.typing as npt

from cairkan.biometrics.engine.images import RGBImage

Embedding = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Face:
    left: int
    top: int
    right: int
    bottom: int
    # dlib's 5-point model: 0-1 outer and inner corner of the eye on the image's right,
    # 2-3 outer and inner corner of the eye on the image's left, 4 the base of the nose.
    landmarks: tuple[tuple[int, int], ...]
    shape: Any  # dlib.full_object_detection, needed again for the embedding

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def yaw(self) -> float:
        """Head turn from the landmarks: the nose's horizontal offset from the middle of
        the four eye corners, over the distance between the eyes. About 0 facing the
        camera; positive when the nose is toward the image's right, which in an
        unmirrored front-camera frame is the member turning to their own left."""
        eyes = self.landmarks[:4]
        middle = sum(x for x, _ in eyes) / 4
        right_eye = (eyes[0][0] + eyes[1][0]) / 2
        left_eye = (eyes[2][0] + eyes[3][0]) / 2
        between = max(abs(right_eye - left_eye), 1.0)
        return (self.landmarks[4][0] - middle) / between


class FaceEngine:
    """dlib's HOG detector, 5-point landmarks and ResNet embedding, loaded once."""

    @cached_property
    def _detector(self) -> Any:
        return dlib.get_frontal_face_detector()

    @cached_property
    def _landmarks(self) -> Any:
        return dlib.shape_predictor(
            face_recognition_models.pose_predictor_five_point_model_location()
        )

    @cached_property
    def _encoder(self) -> Any:
        return dlib.face_recognition_model_v1(
            face_recognition_models.face_recognition_model_location()
        )

    def warm_up(self) -> None:
        """Load the weights now (a worker does this at start, not on a member's request)."""
        self._detector, self._landmarks, self._encoder  # noqa: B018

    def detect(self, image: RGBImage, upsample: int = 0) -> list[Face]:
        """Faces, largest first. Upsampling finds smaller faces at four times the cost."""
        faces = []
        for rect in self._detector(image, upsample):
            shape = self._landmarks(image, rect)
            points = tuple((shape.part(i).x, shape.part(i).y) for i in range(5))
            faces.append(Face(rect.left(), rect.top(), rect.right(), rect.bottom(), points, shape))
        return sorted(faces, key=lambda f: f.width, reverse=True)

    def embed(self, image: RGBImage, face: Face) -> Embedding:
        """The 128-number description of a face; same person ≈ small Euclidean distance."""
        return np.asarray(
            self._encoder.compute_face_descriptor(image, face.shape), dtype=np.float64
        )


def distance(a: Embedding, b: Embedding) -> float:
    return float(np.linalg.norm(a - b))
