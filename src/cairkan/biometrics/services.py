"""Face verification as the member lives it: challenge, capture, verdict, lock, unlock.

The engine's work (≈0.3 s) runs outside any transaction; recording the verdict locks the
participant's FaceStep row, so concurrent or repeated submissions neither lose nor
double-count an attempt, and each challenge is used at most once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import holidays
import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from cairkan.biometrics import runtime
from cairkan.biometrics.engine import UnreadableImage, assess_quality, decode_image, judge_liveness
from cairkan.biometrics.engine.faces import Embedding, distance
from cairkan.biometrics.engine.liveness import random_challenge
from cairkan.biometrics.engine.matching import decide
from cairkan.biometrics.models import (
    COUNTED_OUTCOMES,
    FaceAttempt,
    FaceEnrolment,
    FaceEvent,
    FaceStep,
    LivenessChallenge,
    Outcome,
    UnlockBooking,
    UnlockMethod,
)
from cairkan.biometrics.policy import policy
from cairkan.members.models import Participant

# Liveness reasons that mean the capture could not be judged (coach, do not count).
UNJUDGED_LIVENESS = ("too_few_frames", "no_face", "multiple_faces")
MAX_FRAMES = 12


class FaceError(Exception):
    """A request the policy refuses; ``code`` is what the member is told about."""

    code = "face_error"


class FaceStepLocked(FaceError):
    code = "face_step_locked"


class ChallengeInvalid(FaceError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # challenge_expired, challenge_used, challenge_unknown


class InvalidCapture(FaceError):
    def __init__(self, message: str, code: str = "invalid_capture") -> None:
        super().__init__(message)
        self.code = code  # invalid_capture, or why the picture was refused (too large …)


class UnlockRefused(FaceError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: str
    counted: bool
    quality: tuple[str, ...]
    liveness_reason: str
    distance: float | None
    failures_left: int
    locked: bool
    embedding: Embedding | None = None


@dataclass(frozen=True, slots=True)
class FaceStatus:
    locked: bool
    failures_left: int
    cooling_off_until: datetime | None  # when a new round can be opened alone
    self_unlock_available: bool
    open_booking: UnlockBooking | None


def _event(
    participant: Participant,
    kind: str,
    reason: str,
    *,
    actor: str = "member",
    acting_user: Any = None,
    **data: Any,
) -> None:
    FaceEvent.objects.create(
        participant=participant,
        kind=kind,
        actor=actor,
        acting_user=acting_user,
        reason=reason,
        data=data,
    )


def _locked_step(participant: Participant) -> FaceStep:
    FaceStep.objects.get_or_create(participant=participant)
    return FaceStep.objects.select_for_update().get(participant=participant)


def face_status(*, participant: Participant, now: datetime | None = None) -> FaceStatus:
    now = now or timezone.now()
    rules = policy()
    step = FaceStep.objects.filter(participant=participant).first()
    failures = step.counted_failures if step else 0
    locked_at = step.locked_at if step else None
    until = locked_at + rules.cooling_off if locked_at else None
    self_ok = bool(step and locked_at and step.self_unlocks < rules.self_unlocks)
    return FaceStatus(
        locked=locked_at is not None,
        failures_left=max(rules.max_failures - failures, 0),
        cooling_off_until=until if self_ok else None,
        self_unlock_available=self_ok and until is not None and now >= until,
        open_booking=UnlockBooking.objects.filter(
            participant=participant, status=UnlockBooking.Status.BOOKED
        ).first(),
    )


def challenge_issue(
    *, participant: Participant, purpose: str, rng: random.Random | None = None
) -> LivenessChallenge:
    """A fresh random challenge; refused while the face step is locked."""
    rules = policy()
    if FaceStep.objects.filter(participant=participant, locked_at__isnull=False).exists():
        raise FaceStepLocked
    return LivenessChallenge.objects.create(
        participant=participant,
        purpose=purpose,
        steps=list(random_challenge(rng, rules.challenge_steps)),
        expires_at=timezone.now() + rules.challenge_ttl,
    )


def _judge(
    frames: Sequence[bytes], steps: Sequence[str], reference: Embedding | None
) -> tuple[str, tuple[str, ...], str, float | None, Embedding | None]:
    """(outcome, quality codes, liveness reason, distance, probe embedding) of a capture."""
    if not 1 <= len(frames) <= MAX_FRAMES:
        raise InvalidCapture(f"send 1 to {MAX_FRAMES} frames")
    try:
        images = [decode_image(frame) for frame in frames]
    except UnreadableImage as exc:
        raise InvalidCapture(str(exc), exc.code) from None
    engine = runtime.engine()
    report = assess_quality(engine, images[0], runtime.quality_limits())
    if not report.ok:
        return Outcome.RETAKE, report.codes, "", None, None
    liveness = judge_liveness(engine, images, steps, runtime.liveness_limits())
    if not liveness.live:
        outcome = (
            Outcome.RETAKE if liveness.reason in UNJUDGED_LIVENESS else Outcome.FAILED_LIVENESS
        )
        return outcome, (), liveness.reason, None, None
    assert liveness.probe_embedding is not None
    if reference is None:
        return Outcome.PASSED, (), "ok", None, liveness.probe_embedding
    match = decide(distance(reference, liveness.probe_embedding), runtime.thresholds())
    if match.decision == "match":
        outcome = Outcome.PASSED
    else:
        outcome = Outcome.REVIEW if match.review else Outcome.FAILED_MATCH
    return outcome, (), "ok", match.distance, liveness.probe_embedding


def verification_submit(
    *,
    participant: Participant,
    challenge_id: Any,
    frames: Sequence[bytes],
    reference: Embedding | None = None,
    helper: Any = None,
) -> Verdict:
    """Judge one capture against a challenge and record it under the attempt policy.

    ``reference`` defaults to the participant's enrolled face.
    """
    challenge = LivenessChallenge.objects.filter(pk=challenge_id, participant=participant).first()
    if challenge is None:
        raise ChallengeInvalid("challenge_unknown")
    if reference is None:
        enrolment = FaceEnrolment.objects.filter(participant=participant).first()
        if enrolment is None:
            raise FaceError("not_enrolled")
        reference = enrolment.vector
    outcome, quality, reason, dist, embedding = _judge(frames, challenge.steps, reference)
    rules = policy()
    now = timezone.now()
    with transaction.atomic():
        step = _locked_step(participant)
        challenge = LivenessChallenge.objects.select_for_update().get(pk=challenge.pk)
        if challenge.used_at is not None:
            raise ChallengeInvalid("challenge_used")
        if challenge.expires_at < now:
            raise ChallengeInvalid("challenge_expired")
        if step.locked_at is not None:
            raise FaceStepLocked
        challenge.used_at = now
        challenge.save(update_fields=["used_at"])
        counted = outcome in COUNTED_OUTCOMES
        try:
            FaceAttempt.objects.create(
                participant=participant,
                challenge=challenge,
                purpose=challenge.purpose,
                outcome=outcome,
                counted=counted,
                quality=list(quality),
                liveness_reason=reason,
                distance=dist,
                helper=helper,
            )
        except IntegrityError:  # the same challenge raced in from another request
            raise ChallengeInvalid("challenge_used") from None
        if counted:
            step.counted_failures += 1
        elif outcome == Outcome.PASSED:
            step.counted_failures = 0
        _event(
            participant,
            FaceEvent.Kind.ATTEMPT,
            f"{challenge.purpose}: {outcome}",
            outcome=outcome,
            counted=counted,
            quality=list(quality),
            liveness=reason,
            distance=dist,
            helper=getattr(helper, "pk", None),
        )
        if outcome == Outcome.REVIEW:
            _event(
                participant,
                FaceEvent.Kind.REVIEW_REQUESTED,
                "borderline match",
                actor="system",
                distance=dist,
            )
        if counted and step.counted_failures >= rules.max_failures:
            step.locked_at = now
            _event(
                participant,
                FaceEvent.Kind.LOCKED,
                f"{step.counted_failures} counted failures",
                actor="system",
            )
        step.save()
    return Verdict(
        outcome=outcome,
        counted=counted,
        quality=quality,
        liveness_reason=reason,
        distance=dist,
        failures_left=max(rules.max_failures - step.counted_failures, 0),
        locked=step.locked_at is not None,
        embedding=embedding,
    )


def enrolment_submit(
    *,
    participant: Participant,
    challenge_id: Any,
    frames: Sequence[bytes],
    registry_reference: Embedding,
    tester_reference: bool = False,
    helper: Any = None,
) -> Verdict:
    """Enrol the live capture that matches the registry's photo."""
    verdict = verification_submit(
        participant=participant,
        challenge_id=challenge_id,
        frames=frames,
        reference=registry_reference,
        helper=helper,
    )
    if verdict.outcome == Outcome.PASSED and verdict.embedding is not None:
        FaceEnrolment.objects.update_or_create(
            participant=participant,
            defaults={
                "embedding": np.asarray(verdict.embedding, dtype=np.float64).tobytes(),
                "registry_distance": verdict.distance or 0.0,
                "tester_reference": tester_reference,
            },
        )
        _event(
            participant,
            FaceEvent.Kind.ENROLLED,
            "live capture matched the registry photo",
            distance=verdict.distance,
            tester_reference=tester_reference,
        )
    return verdict


def _unlock(
    step: FaceStep,
    participant: Participant,
    method: str,
    reason: str,
    *,
    actor: str,
    acting_user: Any = None,
) -> None:
    step.locked_at = None
    step.counted_failures = 0
    step.save()
    _event(
        participant,
        FaceEvent.Kind.UNLOCKED,
        reason,
        actor=actor,
        acting_user=acting_user,
        method=method,
    )


def unlock_after_cooling_off(*, participant: Participant) -> None:
    """The member opens one new round alone once the waiting time has passed."""
    rules = policy()
    with transaction.atomic():
        step = _locked_step(participant)
        if step.locked_at is None:
            raise UnlockRefused("not_locked")
        if step.self_unlocks >= rules.self_unlocks:
            raise UnlockRefused("self_unlock_used")
        if timezone.now() < step.locked_at + rules.cooling_off:
            raise UnlockRefused("cooling_off_not_over")
        step.self_unlocks += 1
        _unlock(
            step,
            participant,
            UnlockMethod.COOLING_OFF,
            "new round after the waiting time",
            actor="member",
        )


def unlock_by_officer(*, participant: Participant, officer: Any, method: str, note: str) -> None:
    """An officer verified the member (video call or counter) and opens the face step."""
    if method not in (UnlockMethod.VIDEO_CALL, UnlockMethod.COUNTER):
        raise UnlockRefused("unknown_method")
    if not note.strip():
        raise UnlockRefused("note_required")
    with transaction.atomic():
        step = _locked_step(participant)
        if step.locked_at is None:
            raise UnlockRefused("not_locked")
        step.self_unlocks = 0
        _unlock(step, participant, method, note.strip(), actor="officer", acting_user=officer)
        UnlockBooking.objects.filter(
            participant=participant, status=UnlockBooking.Status.BOOKED
        ).update(status=UnlockBooking.Status.DONE, officer=officer, note=note.strip())


def video_slots(*, now: datetime | None = None, days: int = 5) -> list[datetime]:
    """Free video-call starts on the next ``days`` working days (officers' capacity)."""
    rules = policy()
    today = timezone.localdate(now or timezone.now())
    first_hour, last_hour = rules.video_hours
    per_day = (last_hour - first_hour) * 60 // rules.video_slot_minutes + 1
    slots: list[datetime] = []
    day, working_days = today, 0
    closed = holidays.country_holidays("ID", years=(today.year, today.year + 1))
    while working_days < days:
        day += timedelta(days=1)
        if day.weekday() >= 5 or day in closed:  # weekends and Indonesian public holidays
            continue
        working_days += 1
        opening = timezone.make_aware(datetime(day.year, day.month, day.day, first_hour))
        slots += [opening + timedelta(minutes=rules.video_slot_minutes * i) for i in range(per_day)]
    taken: dict[datetime, int] = {}
    for starts_at in UnlockBooking.objects.filter(
        status=UnlockBooking.Status.BOOKED, starts_at__in=slots
    ).values_list("starts_at", flat=True):
        taken[starts_at] = taken.get(starts_at, 0) + 1
    return [s for s in slots if taken.get(s, 0) < rules.video_slot_capacity]


def unlock_booking_create(*, participant: Participant, starts_at: datetime) -> UnlockBooking:
    """Book a video call; a second tap returns the same booking."""
    with transaction.atomic():
        step = _locked_step(participant)
        if step.locked_at is None:
            raise UnlockRefused("not_locked")
        existing = UnlockBooking.objects.filter(
            participant=participant, status=UnlockBooking.Status.BOOKED
        ).first()
        if existing:
            return existing
        if starts_at not in video_slots():
            raise UnlockRefused("slot_unavailable")
        booking = UnlockBooking.objects.create(participant=participant, starts_at=starts_at)
        _event(
            participant,
            FaceEvent.Kind.UNLOCK_BOOKED,
            "video call booked",
            starts_at=starts_at.isoformat(),
        )
    return booking
