"""Face verification as the member lives it: challenge, capture, verdict, lock, unlock.

A challenge is answered prompt by prompt: "look straight", then each step, each prompt
revealed only once the frames of the one before arrived (``prompt_answer``); the last
prompt's frames bring the verdict (``verification_submit``). Every request is checked
against the challenge, the prompt's nonce and timing and the face-step lock before any
frame is read, and the engine runs only after that (issue 9 M4).

The engine's work (≈0.3 s) runs outside any transaction; recording the verdict locks the
participant's FaceStep row, so concurrent or repeated submissions neither lose nor
double-count an attempt, and each challenge is used at most once.
"""

from __future__ import annotations

import hmac
import random
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cairkan.audit.services import audit_record
from cairkan.biometrics import runtime
from cairkan.biometrics.engine import UnreadableImage, assess_quality, decode_image, judge_liveness
from cairkan.biometrics.engine.faces import Embedding, distance
from cairkan.biometrics.engine.liveness import FRONT, random_challenge
from cairkan.biometrics.engine.matching import decide
from cairkan.biometrics.models import (
    COUNTED_OUTCOMES,
    ChallengeFrame,
    ChallengePrompt,
    FaceAttempt,
    FaceEnrolment,
    FaceEvent,
    FaceStep,
    LivenessChallenge,
    Outcome,
    Purpose,
    UnlockBooking,
    UnlockMethod,
)
from cairkan.biometrics.policy import policy
from cairkan.members.models import Participant

# Liveness reasons that mean the capture could not be judged (coach, do not count).
UNJUDGED_LIVENESS = ("too_few_frames", "no_face", "multiple_faces")
# Frames one prompt may bring: the camera page sends 1 looking straight and 2 per step;
# the photo form 1. Counted before any is read, so a flood costs nothing (issue 9 M4).
MAX_PROMPT_FRAMES = 4


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
    def __init__(self, detail: str = "", code: str = "invalid_capture") -> None:
        super().__init__(detail or code)
        # invalid_capture, no_frames, too_many_frames, or why the picture was refused
        self.code = code


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
class Prompt:
    """What the phone is asked to do now, and the nonce its frames must carry."""

    challenge_id: uuid.UUID
    index: int  # 0: look straight; then the challenge's steps in order
    code: str
    nonce: str
    count: int  # prompts in the challenge
    expires_at: datetime

    @property
    def last(self) -> bool:
        return self.index == self.count - 1


@dataclass(frozen=True, slots=True)
class FaceStatus:
    locked: bool
    failures_left: int
    cooling_off_until: datetime | None  # when a new round can be opened alone
    self_unlock_available: bool
    open_booking: UnlockBooking | None


_AUDITED_FACE_DATA = (
    "outcome",
    "counted",
    "method",
    "bookings_cancelled",
    "tester_reference",
    "starts_at",
)


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
    # The trail keeps what was decided, not the biometric measurements behind it.
    after: dict[str, Any] = {k: data[k] for k in _AUDITED_FACE_DATA if k in data}
    before = None
    if kind in (FaceEvent.Kind.LOCKED, FaceEvent.Kind.UNLOCKED):
        locking = kind == FaceEvent.Kind.LOCKED
        before, after["locked"] = {"locked": not locking}, locking
    audit_record(
        actor_kind=actor,
        actor_user=acting_user,
        action=f"face.{kind}",
        subject=participant,
        before=before,
        after=after,
        why=reason,
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
    """A fresh random challenge, its first prompt ("look straight") revealed; refused
    while the face step is locked. Frames of the member's expired challenges go.
    Recovery is made without the member's session and has its own limit (accounts), so
    the member's lock neither stops it nor is it reached by it."""
    rules = policy()
    locked = FaceStep.objects.filter(participant=participant, locked_at__isnull=False)
    if purpose != Purpose.RECOVERY and locked.exists():
        raise FaceStepLocked
    now = timezone.now()
    ChallengeFrame.objects.filter(
        prompt__challenge__participant=participant, prompt__challenge__expires_at__lt=now
    ).delete()
    with transaction.atomic():
        challenge = LivenessChallenge.objects.create(
            participant=participant,
            purpose=purpose,
            steps=list(random_challenge(rng, rules.challenge_steps)),
            expires_at=now + rules.challenge_ttl,
        )
        _reveal(challenge, 0, now)
    return challenge


def _reveal(challenge: LivenessChallenge, index: int, now: datetime) -> ChallengePrompt:
    codes = [FRONT, *challenge.steps]
    return ChallengePrompt.objects.create(
        challenge=challenge,
        index=index,
        code=codes[index],
        nonce=secrets.token_urlsafe(16),
        revealed_at=now,
    )


def _prompt(challenge: LivenessChallenge, prompt: ChallengePrompt) -> Prompt:
    return Prompt(
        challenge_id=challenge.pk,
        index=prompt.index,
        code=prompt.code,
        nonce=prompt.nonce,
        count=len(challenge.steps) + 1,
        expires_at=challenge.expires_at,
    )


def challenge_prompt(*, challenge: LivenessChallenge) -> Prompt:
    """The prompt the phone should answer now (the latest revealed)."""
    return _prompt(challenge, challenge.prompts.order_by("-index").first())  # type: ignore[arg-type]


def _usable(challenge: LivenessChallenge, participant: Participant, now: datetime) -> None:
    if challenge.used_at is not None:
        raise ChallengeInvalid("challenge_used")
    if challenge.expires_at < now:
        raise ChallengeInvalid("challenge_expired")
    if challenge.purpose == Purpose.RECOVERY:
        return  # made without the member's session: the member's lock is not its business
    if FaceStep.objects.filter(participant=participant, locked_at__isnull=False).exists():
        raise FaceStepLocked


def answer_check(
    *, participant: Participant, challenge_id: Any, index: Any, nonce: str
) -> tuple[LivenessChallenge, Prompt, bool]:
    """Everything about an answer that costs no frame reading and no engine work: the
    challenge is the member's, unused, unexpired; the face step is open; the prompt was
    revealed, the nonce is its own and the moment to answer it has come.

    Returns the challenge, the prompt answered and whether it was answered already
    (a resent request: the next prompt is given again, nothing is stored twice).
    """
    try:
        challenge_pk = uuid.UUID(str(challenge_id))
        index = int(index)
    except (TypeError, ValueError):
        raise ChallengeInvalid("challenge_unknown") from None
    challenge = LivenessChallenge.objects.filter(pk=challenge_pk, participant=participant).first()
    if challenge is None:
        raise ChallengeInvalid("challenge_unknown")
    now = timezone.now()
    _usable(challenge, participant, now)
    prompt = challenge.prompts.filter(index=index).first()
    # A prompt not yet revealed, or frames without its nonce: not taken after reading it.
    if prompt is None or not hmac.compare_digest(prompt.nonce, str(nonce)):
        raise ChallengeInvalid("prompt_not_shown")
    if prompt.answered_at is None and now < prompt.revealed_at + policy().prompt_min:
        raise ChallengeInvalid("prompt_too_soon")
    return challenge, _prompt(challenge, prompt), prompt.answered_at is not None


def frames_count_check(count: int) -> None:
    """Before any frame is read: how many a prompt may bring."""
    if count < 1:
        raise InvalidCapture(code="no_frames")
    if count > MAX_PROMPT_FRAMES:
        raise InvalidCapture(code="too_many_frames")


def _decoded(frames: Sequence[bytes]) -> list[Any]:
    frames_count_check(len(frames))
    try:
        return [decode_image(frame) for frame in frames]
    except UnreadableImage as exc:
        raise InvalidCapture(str(exc), exc.code) from None


def prompt_answer(
    *, participant: Participant, challenge_id: Any, index: Any, nonce: str, frames: Sequence[bytes]
) -> Prompt:
    """Keep the frames answering a prompt that is not the last and reveal the next one."""
    challenge, prompt, answered = answer_check(
        participant=participant, challenge_id=challenge_id, index=index, nonce=nonce
    )
    if prompt.last:
        raise ChallengeInvalid("prompt_not_shown")
    if not answered:
        _decoded(frames)  # unreadable photos are said now, not after the last prompt
    now = timezone.now()
    with transaction.atomic():
        challenge = LivenessChallenge.objects.select_for_update().get(pk=challenge.pk)
        _usable(challenge, participant, now)
        row = challenge.prompts.get(index=prompt.index)
        if row.answered_at is None:
            ChallengeFrame.objects.bulk_create(
                ChallengeFrame(prompt=row, position=n, image=frame)
                for n, frame in enumerate(frames)
            )
            row.answered_at = now
            row.save(update_fields=["answered_at"])
            following = _reveal(challenge, row.index + 1, now)
        else:  # resent: the next prompt as it was revealed the first time
            following = challenge.prompts.get(index=row.index + 1)
    return _prompt(challenge, following)


def answered_frames(*, challenge_id: Any) -> list[list[bytes]]:
    """The frames kept for the answered prompts of a challenge, prompt by prompt."""
    groups: dict[int, list[bytes]] = {}
    for index, image in ChallengeFrame.objects.filter(
        prompt__challenge_id=challenge_id, prompt__answered_at__isnull=False
    ).values_list("prompt__index", "image"):
        groups.setdefault(index, []).append(bytes(image))
    return [groups[index] for index in sorted(groups)]


def _judge(
    answers: Sequence[Sequence[bytes]], steps: Sequence[str], reference: Embedding | None
) -> tuple[str, tuple[str, ...], str, float | None, Embedding | None]:
    """(outcome, quality codes, liveness reason, distance, probe embedding) of a capture."""
    images = [_decoded(frames) for frames in answers]
    engine = runtime.engine()
    report = assess_quality(engine, images[0][0], runtime.quality_limits())
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
    index: Any,
    nonce: str,
    frames: Sequence[bytes],
    reference: Embedding | None = None,
    helper: Any = None,
    own_step: bool = True,
) -> Verdict:
    """Judge the capture with the last prompt's frames and record it under the attempt
    policy; the frames kept for the earlier prompts are deleted with the verdict.

    ``reference`` defaults to the participant's enrolled face. ``own_step=False`` is for
    attempts made without the member's session (recovery): anyone who knows the member's
    identity data can make them, so they never count towards, lock or wait on the
    member's face step. The caller limits them on its own (``counted`` says whether this
    one failed in a way that counts there).
    """
    challenge, prompt, answered = answer_check(
        participant=participant, challenge_id=challenge_id, index=index, nonce=nonce
    )
    if not prompt.last:
        raise ChallengeInvalid("prompt_not_shown")
    if answered:
        raise ChallengeInvalid("challenge_used")
    if reference is None:
        enrolment = FaceEnrolment.objects.filter(participant=participant).first()
        if enrolment is None:
            raise FaceError("not_enrolled")
        reference = enrolment.vector
    frames_count_check(len(frames))
    earlier = answered_frames(challenge_id=challenge.pk)
    if len(earlier) != prompt.index:
        raise ChallengeInvalid("prompt_not_shown")
    outcome, quality, reason, dist, embedding = _judge(
        [*earlier, frames], challenge.steps, reference
    )
    judged = (outcome, quality, reason, dist, embedding)
    if not own_step:
        return _record_outside_step(participant, challenge, prompt.index, judged)
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
        challenge.prompts.filter(index=prompt.index).update(answered_at=now)
        # The verdict is kept; the pictures are not.
        ChallengeFrame.objects.filter(prompt__challenge=challenge).delete()
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


def _record_outside_step(
    participant: Participant,
    challenge: LivenessChallenge,
    index: int,
    judged: tuple[str, tuple[str, ...], str, float | None, Embedding | None],
) -> Verdict:
    """Record an attempt made without the member's session: never the member's step's."""
    outcome, quality, reason, dist, embedding = judged
    now = timezone.now()
    with transaction.atomic():
        challenge = LivenessChallenge.objects.select_for_update().get(pk=challenge.pk)
        if challenge.used_at is not None:
            raise ChallengeInvalid("challenge_used")
        if challenge.expires_at < now:
            raise ChallengeInvalid("challenge_expired")
        challenge.used_at = now
        challenge.save(update_fields=["used_at"])
        challenge.prompts.filter(index=index).update(answered_at=now)
        ChallengeFrame.objects.filter(prompt__challenge=challenge).delete()
        try:
            FaceAttempt.objects.create(
                participant=participant,
                challenge=challenge,
                purpose=challenge.purpose,
                outcome=outcome,
                counted=False,  # not towards the member's face step
                quality=list(quality),
                liveness_reason=reason,
                distance=dist,
            )
        except IntegrityError:
            raise ChallengeInvalid("challenge_used") from None
        _event(
            participant,
            FaceEvent.Kind.ATTEMPT,
            f"{challenge.purpose} without the member's session: {outcome}",
            actor="system",
            outcome=outcome,
            counted=False,
            quality=list(quality),
            liveness=reason,
            distance=dist,
        )
    return Verdict(
        outcome=outcome,
        counted=outcome in COUNTED_OUTCOMES,
        quality=quality,
        liveness_reason=reason,
        distance=dist,
        failures_left=0,  # the caller's own limit says
        locked=False,
        embedding=embedding,
    )


def face_check_pass_for_demo(
    *, participant: Participant, at: datetime | None = None
) -> FaceAttempt:
    """A passed claim face check for a demo member, recorded without a camera, so the
    demo day (``cairkan seed-demo``) can file claims through ``claim_submit``. Demo data
    only: refused with ``CAIRKAN_ENV=production``, not counted towards the member's
    step, and its event says it was made up. ``at``: the moment of a claim the demo
    files days ago (``claim_submit(now=...)``), so its check precedes its filing."""
    if settings.PRODUCTION:
        raise FaceError("demo_only")
    now = at or timezone.now()
    with transaction.atomic():
        challenge = LivenessChallenge.objects.create(
            participant=participant,
            purpose="claim",
            steps=["turn_left"],
            expires_at=now + timedelta(minutes=2),
            used_at=now,
        )
        attempt = FaceAttempt.objects.create(
            participant=participant, challenge=challenge, purpose="claim", outcome="passed"
        )
        if at is not None:  # created_at is auto_now_add: the demo's made-up record is dated
            FaceAttempt.objects.filter(pk=attempt.pk).update(created_at=at)
            attempt.created_at = at
        _event(
            participant,
            FaceEvent.Kind.ATTEMPT,
            "claim face check recorded for the demo data, without a camera",
            actor="system",
            outcome="passed",
            counted=False,
        )
    return attempt


def face_step_reset_unowned(*, participant: Participant, reason: str) -> None:
    """An unenrolled account was replaced: the failures and the lock its holder caused
    (and a video call booked in its name) are not the new holder's. Once a face is
    enrolled the step is the member's and stays as it is."""
    with transaction.atomic():
        if FaceEnrolment.objects.filter(participant=participant).exists():
            return
        step = FaceStep.objects.select_for_update().filter(participant=participant).first()
        cancelled = UnlockBooking.objects.filter(
            participant=participant, status=UnlockBooking.Status.BOOKED
        ).update(status=UnlockBooking.Status.CANCELLED, note=reason)
        if step is None or (step.counted_failures == 0 and step.locked_at is None):
            return
        step.counted_failures, step.locked_at, step.self_unlocks = 0, None, 0
        step.save()
        _event(
            participant,
            FaceEvent.Kind.UNLOCKED,
            reason,
            actor="system",
            bookings_cancelled=cancelled,
        )


def enrolment_submit(
    *,
    participant: Participant,
    challenge_id: Any,
    index: Any,
    nonce: str,
    frames: Sequence[bytes],
    registry_reference: Embedding,
    tester_reference: bool = False,
    helper: Any = None,
    with_enrolment: Callable[[], None] | None = None,
) -> Verdict:
    """Enrol the live capture that matches the registry's photo.

    The enrolment, its event and ``with_enrolment`` (the caller's own writes that an
    enrolment completes, e.g. the registration's step) commit together or not at all."""
    verdict = verification_submit(
        participant=participant,
        challenge_id=challenge_id,
        index=index,
        nonce=nonce,
        frames=frames,
        reference=registry_reference,
        helper=helper,
    )
    if verdict.outcome == Outcome.PASSED and verdict.embedding is not None:
        with transaction.atomic():
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
            if with_enrolment is not None:
                with_enrolment()
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


def unlock_booking_create(
    *, participant: Participant, starts_at: datetime, capacity_id: int
) -> UnlockBooking:
    """Record a video call booked to open the locked face step; a second tap returns the
    same booking. The seat comes from the officers' calendar: call this through
    ``cairkan.claims.appointments.unlock_book``, which holds the lock on the calendar's
    capacity row (``capacity_id``) while the seat is counted and this booking is made."""
    with transaction.atomic():
        step = _locked_step(participant)
        if step.locked_at is None:
            raise UnlockRefused("not_locked")
        existing = UnlockBooking.objects.filter(
            participant=participant, status=UnlockBooking.Status.BOOKED
        ).first()
        if existing:
            return existing
        booking = UnlockBooking.objects.create(
            participant=participant, starts_at=starts_at, capacity_id=capacity_id
        )
        _event(
            participant,
            FaceEvent.Kind.UNLOCK_BOOKED,
            "video call booked",
            starts_at=starts_at.isoformat(),
        )
    return booking
