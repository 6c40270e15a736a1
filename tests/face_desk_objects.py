"""A member's face step as the face desk finds it: locked after three counted failures,
a check under way at the desk and a borderline photo waiting for a verifier."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from cairkan.biometrics.models import (
    DeskCheck,
    FaceAttempt,
    FaceReview,
    FaceStep,
    LivenessChallenge,
)
from cairkan.members.models import Participant

FRAME = (Path(__file__).parent / "fixtures" / "faces" / "obama.jpg").read_bytes()


def locked_step(participant: Participant) -> FaceStep:
    step, _created = FaceStep.objects.update_or_create(
        participant=participant,
        defaults={"counted_failures": 3, "locked_at": timezone.now() - timedelta(hours=1)},
    )
    return step


def borderline_review(participant: Participant) -> FaceReview:
    """A claim face check in the review band, its frame kept for the verifier."""
    challenge = LivenessChallenge.objects.create(
        participant=participant,
        purpose="claim",
        steps=["turn_left"],
        expires_at=timezone.now() + timedelta(minutes=2),
        used_at=timezone.now(),
    )
    attempt = FaceAttempt.objects.create(
        participant=participant,
        challenge=challenge,
        purpose="claim",
        outcome="review",
        distance=0.55,
        liveness_reason="ok",
    )
    return FaceReview.objects.create(attempt=attempt, participant=participant, frame=FRAME)


def open_check(participant: Participant) -> DeskCheck:
    """A walk-in check under way (started by another verifier)."""
    locked_step(participant)
    existing = DeskCheck.objects.filter(participant=participant, status="open").first()
    if existing is not None:
        return existing
    officer, _created = get_user_model().objects.get_or_create(
        username="uji-meja", defaults={"is_staff": True}
    )
    return DeskCheck.objects.create(
        participant=participant,
        method="counter",
        officer=officer,
        questions=["employer", "kpj_last4"],
    )
