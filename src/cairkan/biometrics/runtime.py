"""The engine and its limits as this process uses them: one engine, limits from settings."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from cairkan.biometrics.engine import FaceEngine, Thresholds
from cairkan.biometrics.engine.liveness import LivenessLimits
from cairkan.biometrics.engine.quality import QualityLimits


@cache
def engine() -> FaceEngine:
    return FaceEngine()


def thresholds() -> Thresholds:
    return Thresholds(**settings.CAIRKAN_FACE_MATCH)


def quality_limits() -> QualityLimits:
    return QualityLimits(**settings.CAIRKAN_FACE_QUALITY)


def liveness_limits() -> LivenessLimits:
    return LivenessLimits(**settings.CAIRKAN_FACE_LIVENESS)
