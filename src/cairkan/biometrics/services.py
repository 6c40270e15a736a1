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
from cairkan.biometrics.messages import (
    COUNTED,
    DESK_REFUSALS,
    DESK_REFUSED,
    DESK_UNLOCKED,
    REVIEW_ACCEPTED,
    REVIEW_REFUSALS,
    REVIEW_REFUSED,
)
from cairkan.biometrics.models import (
    COUNTED_OUTCOMES,
    ChallengeFrame,
    ChallengePrompt,
    DeskCheck,
    FaceAttempt,
    FaceEnrolment,
    FaceEvent,
    FaceReview,
    FaceStep,
    LivenessChallenge,
    Outcome,
    Purpose,
    UnlockBooking,
    UnlockMethod,
)
from cairkan.biometrics.policy import policy
from cairkan.biometrics.selectors import desk_questions_pick
from cairkan.members.models import Participant
from cairkan.notifications.gateway import notify

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


class FaceReviewPending(FaceStepLocked):
    """A borderline result waits for a verifier: the face step waits with it, so the
    band is decided by a person, never retried around for ever."""

    code = "review_pending"


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
    "walk_in",
    "reason_code",
    "checklist",
    "review",
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
    if purpose != Purpose.RECOVERY and _review_waits(participant):
        raise FaceReviewPending
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
    if _review_waits(participant):
        raise FaceReviewPending


def _review_waits(participant: Participant) -> bool:
    return FaceReview.objects.filter(
        participant=participant, status=FaceReview.Status.PENDING
    ).exists()


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
        if _review_waits(participant):
            raise FaceReviewPending
        challenge.used_at = now
        challenge.save(update_fields=["used_at"])
        challenge.prompts.filter(index=prompt.index).update(answered_at=now)
        # The verdict is kept; the pictures are not.
        ChallengeFrame.objects.filter(prompt__challenge=challenge).delete()
        counted = outcome in COUNTED_OUTCOMES
        try:
            attempt = FaceAttempt.objects.create(
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
            review = None
            if challenge.purpose == Purpose.CLAIM:
                # A verifier decides, with the frame looking straight at the camera.
                front = (earlier[0] if earlier else frames)[0]
                review = FaceReview.objects.create(
                    attempt=attempt, participant=participant, frame=front
                )
            _event(
                participant,
                FaceEvent.Kind.REVIEW_REQUESTED,
                "borderline match",
                actor="system",
                distance=dist,
                review=str(review.public_id) if review else None,
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


def face_desk_for_demo(
    *, locked: Sequence[Participant], borderline: Participant, frame: bytes
) -> bool:
    """The face desk's demo (``cairkan seed-demo``): members whose face step is locked
    after three counted failures and one borderline claim check waiting for a verifier,
    recorded without a camera. Demo data only: refused with ``CAIRKAN_ENV=production``;
    each event says it was made up. Once the desk has been used it is left as it is."""
    if settings.PRODUCTION:
        raise FaceError("demo_only")
    if DeskCheck.objects.exists() or FaceReview.objects.exists():
        return False
    now = timezone.now()
    with transaction.atomic():
        for participant in locked:
            step = _locked_step(participant)
            step.counted_failures, step.locked_at = policy().max_failures, now
            step.save()
            _event(
                participant,
                FaceEvent.Kind.LOCKED,
                "three counted failures recorded for the demo data, without a camera",
                actor="system",
            )
        challenge = LivenessChallenge.objects.create(
            participant=borderline,
            purpose=Purpose.CLAIM,
            steps=["turn_left"],
            expires_at=now + timedelta(minutes=2),
            used_at=now,
        )
        attempt = FaceAttempt.objects.create(
            participant=borderline,
            challenge=challenge,
            purpose=Purpose.CLAIM,
            outcome=Outcome.REVIEW,
            liveness_reason="ok",
            distance=0.55,
        )
        review = FaceReview.objects.create(attempt=attempt, participant=borderline, frame=frame)
        _event(
            borderline,
            FaceEvent.Kind.REVIEW_REQUESTED,
            "borderline claim check recorded for the demo data, without a camera",
            actor="system",
            review=str(review.public_id),
        )
    return True


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
    **data: Any,
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
        **data,
    )


def unlock_after_cooling_off(*, participant: Participant, now: datetime | None = None) -> None:
    """The member opens one new round alone once the waiting time has passed."""
    rules = policy()
    with transaction.atomic():
        step = _locked_step(participant)
        if step.locked_at is None:
            raise UnlockRefused("not_locked")
        if step.self_unlocks >= rules.self_unlocks:
            raise UnlockRefused("self_unlock_used")
        if (now or timezone.now()) < step.locked_at + rules.cooling_off:
            raise UnlockRefused("cooling_off_not_over")
        step.self_unlocks += 1
        # A call booked meanwhile is no longer needed: its seat goes back to the calendar
        # (an officer's check at that time would find nothing locked).
        booked = UnlockBooking.objects.filter(
            participant=participant, status=UnlockBooking.Status.BOOKED
        )
        cancelled = [str(pk) for pk in booked.values_list("pk", flat=True)]
        booked.update(status=UnlockBooking.Status.CANCELLED, note="opened after the waiting time")
        _unlock(
            step,
            participant,
            UnlockMethod.COOLING_OFF,
            "new round after the waiting time",
            actor="member",
            bookings_cancelled=cancelled,
        )


# --- the desk: an officer's identity check, in the booked video call or at the counter ---

DESK_METHODS = (UnlockMethod.VIDEO_CALL, UnlockMethod.COUNTER)


def _officer_may(officer: Any, permission: str) -> None:
    if not (officer.is_active and officer.is_staff and officer.has_perm(permission)):
        raise UnlockRefused("forbidden")


def _tell_member(participant: Participant, body: str) -> None:
    """A message on the member's verified contacts, in the caller's transaction (outbox)."""
    account = getattr(participant, "account", None)
    if account is None:
        return
    for channel, to in (("sms", account.phone), ("email", account.email)):
        if to:
            notify(channel=channel, to=to, subject="Cairkan", body=body)


def desk_check_start(
    *,
    participant: Participant,
    officer: Any,
    booking: UnlockBooking | None = None,
    method: str = UnlockMethod.VIDEO_CALL,
) -> DeskCheck:
    """Open the checklist for a locked member: in their booked call (``booking``) or, with
    no booking, as a walk-in at the counter. Questions on the member's records are picked
    now. A second start (double click, another officer's screen) returns the open one."""
    _officer_may(officer, "biometrics.unlock_face_step")
    if booking is None:
        method = UnlockMethod.COUNTER  # no booking: the member stands at the counter
    if method not in DESK_METHODS:
        raise UnlockRefused("unknown_method")
    with transaction.atomic():
        step = _locked_step(participant)
        open_check = DeskCheck.objects.filter(
            participant=participant, status=DeskCheck.Status.OPEN
        ).first()
        if open_check is not None:
            return open_check
        if step.locked_at is None:
            raise UnlockRefused("not_locked")
        if booking is not None and (
            booking.participant_id != participant.pk
            or booking.status != UnlockBooking.Status.BOOKED
        ):
            raise UnlockRefused("booking_not_open")
        check = DeskCheck.objects.create(
            participant=participant,
            booking=booking,
            method=method,
            officer=officer,
            questions=desk_questions_pick(participant=participant),
        )
        _event(
            participant,
            FaceEvent.Kind.DESK_CHECK_STARTED,
            "walk-in at the counter" if booking is None else "booked video call",
            actor="officer",
            acting_user=officer,
            method=method,
            walk_in=booking is None,
        )
    return check


@dataclass(frozen=True, slots=True)
class Checklist:
    """What the officer ticked: the e-KTP shown, the questions on the member's records
    answered correctly (their codes), the live face compared with the e-KTP photo."""

    ektp_shown: bool
    answered: tuple[str, ...]
    live_face_compared: bool

    def complete_for(self, check: DeskCheck) -> bool:
        return (
            self.ektp_shown
            and self.live_face_compared
            and set(check.questions) <= set(self.answered)
        )

    def as_data(self) -> dict[str, Any]:
        return {
            "ektp_shown": self.ektp_shown,
            "answered": sorted(self.answered),
            "live_face_compared": self.live_face_compared,
        }


def _open_check(check: DeskCheck, now: datetime) -> DeskCheck:
    """The check's row locked, still open, and its call's time come."""
    # Only the check's own row: its booking may be none (an outer join PostgreSQL will
    # not lock), and the booking's seat is the calendar's business.
    locked = (
        DeskCheck.objects.select_for_update(of=("self",)).select_related("booking").get(pk=check.pk)
    )
    if locked.status != DeskCheck.Status.OPEN:
        raise UnlockRefused("check_closed")
    # The call must have happened: nothing is decided before the booked start.
    if locked.booking is not None and now < locked.booking.starts_at:
        raise UnlockRefused("too_early")
    return locked


def _record_checklist(check: DeskCheck, checklist: Checklist, note: str, now: datetime) -> None:
    check.ektp_shown = checklist.ektp_shown
    check.answered = [code for code in check.questions if code in checklist.answered]
    check.live_face_compared = checklist.live_face_compared
    check.note = note[:500]
    check.decided_at = now


def desk_unlock(
    *,
    check: DeskCheck,
    officer: Any,
    checklist: Checklist,
    note: str,
    now: datetime | None = None,
) -> DeskCheck:
    """Open the member's face step after the whole checklist: the member may try again at
    once. Refused before the booked time (``too_early``) and with any item missing
    (``checklist_incomplete``), whatever page or client asks."""
    _officer_may(officer, "biometrics.unlock_face_step")
    now = now or timezone.now()
    note = note.strip()
    with transaction.atomic():
        locked = _open_check(check, now)
        if not checklist.complete_for(locked):
            raise UnlockRefused("checklist_incomplete")
        if not note:
            raise UnlockRefused("note_required")
        participant = locked.participant
        step = _locked_step(participant)
        if step.locked_at is None:
            raise UnlockRefused("not_locked")
        step.self_unlocks = 0
        _unlock(
            step,
            participant,
            locked.method,
            note[:200],
            actor="officer",
            acting_user=officer,
            walk_in=locked.walk_in,
            checklist=checklist.as_data(),
        )
        _record_checklist(locked, checklist, note, now)
        locked.status = DeskCheck.Status.UNLOCKED
        locked.save()
        if locked.booking is not None:
            UnlockBooking.objects.filter(pk=locked.booking.pk).update(
                status=UnlockBooking.Status.DONE, officer=officer, note=note[:500]
            )
        # A walk-in no longer needs the call booked: its seat goes back.
        UnlockBooking.objects.filter(
            participant=participant, status=UnlockBooking.Status.BOOKED
        ).update(status=UnlockBooking.Status.CANCELLED, note="opened at the counter")
        _tell_member(participant, str(DESK_UNLOCKED))
    return locked


def desk_refuse(
    *,
    check: DeskCheck,
    officer: Any,
    reason: str,
    checklist: Checklist,
    note: str = "",
    now: datetime | None = None,
) -> DeskCheck:
    """The member was not verified: the face step stays locked, the booking ends and the
    member reads ``reason`` (DESK_REFUSALS) on the locked page and in a message."""
    _officer_may(officer, "biometrics.unlock_face_step")
    if reason not in DESK_REFUSALS:
        raise UnlockRefused("reason_unknown")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _open_check(check, now)
        _record_checklist(locked, checklist, note.strip(), now)
        locked.status = DeskCheck.Status.REFUSED
        locked.reason = reason
        locked.save()
        if locked.booking is not None:
            UnlockBooking.objects.filter(pk=locked.booking.pk).update(
                status=UnlockBooking.Status.DECLINED, officer=officer, note=reason
            )
        _event(
            locked.participant,
            FaceEvent.Kind.UNLOCK_REFUSED,
            note.strip()[:200] or reason,
            actor="officer",
            acting_user=officer,
            method=locked.method,
            walk_in=locked.walk_in,
            reason_code=reason,
            checklist=checklist.as_data(),
        )
        _tell_member(locked.participant, str(DESK_REFUSED) % {"reason": str(DESK_REFUSALS[reason])})
    return locked


def desk_refusal_latest(*, participant: Participant) -> DeskCheck | None:
    """The member's latest check at the desk if it refused and nothing opened the step
    since: what the locked page says."""
    latest = (
        DeskCheck.objects.filter(participant=participant)
        .exclude(status=DeskCheck.Status.OPEN)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if latest is None or latest.status != DeskCheck.Status.REFUSED:
        return None
    return latest


# --- the review band: a verifier decides a borderline claim face check -------------------


def _pending_review(review: FaceReview) -> FaceReview:
    locked = (
        FaceReview.objects.select_for_update(of=("self",))
        .select_related("attempt")
        .get(pk=review.pk)
    )
    if locked.status != FaceReview.Status.PENDING:
        raise UnlockRefused("review_decided")
    return locked


def face_review_accept(
    *, review: FaceReview, officer: Any, note: str = "", now: datetime | None = None
) -> FaceReview:
    """The verifier sees the member in both pictures: the result stands as a pass (the
    counted failures go back to zero, as a pass does) and the claim continues."""
    _officer_may(officer, "biometrics.decide_face_review")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _pending_review(review)
        step = _locked_step(locked.participant)
        locked.status = FaceReview.Status.ACCEPTED
        locked.decided_by, locked.decided_at = officer, now
        locked.note = note.strip()[:500]
        locked.frame = b""  # decided: the picture is not kept
        locked.save()
        step.counted_failures = 0
        step.save(update_fields=["counted_failures"])
        _event(
            locked.participant,
            FaceEvent.Kind.REVIEW_ACCEPTED,
            locked.note[:200] or "borderline result accepted",
            actor="officer",
            acting_user=officer,
            outcome=Outcome.PASSED,
            review=str(locked.public_id),
        )
        _tell_member(locked.participant, str(REVIEW_ACCEPTED))
    return locked


def face_review_refuse(
    *,
    review: FaceReview,
    officer: Any,
    reason: str,
    note: str = "",
    now: datetime | None = None,
) -> FaceReview:
    """Not the member, or not judgeable: the attempt counts as a failed one (and may lock
    the face step like any counted failure); the member reads ``reason``."""
    _officer_may(officer, "biometrics.decide_face_review")
    if reason not in REVIEW_REFUSALS:
        raise UnlockRefused("reason_unknown")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _pending_review(review)
        participant = locked.participant
        step = _locked_step(participant)
        locked.status = FaceReview.Status.REFUSED
        locked.reason = reason
        locked.decided_by, locked.decided_at = officer, now
        locked.note = note.strip()[:500]
        locked.frame = b""
        locked.save()
        FaceAttempt.objects.filter(pk=locked.attempt_id).update(counted=True)
        step.counted_failures += 1
        _event(
            participant,
            FaceEvent.Kind.REVIEW_REFUSED,
            locked.note[:200] or reason,
            actor="officer",
            acting_user=officer,
            counted=True,
            reason_code=reason,
            review=str(locked.public_id),
        )
        rules = policy()
        if step.counted_failures >= rules.max_failures and step.locked_at is None:
            step.locked_at = now
            _event(
                participant,
                FaceEvent.Kind.LOCKED,
                f"{step.counted_failures} counted failures",
                actor="system",
            )
        step.save()
        _tell_member(
            participant,
            str(REVIEW_REFUSED) % {"reason": str(REVIEW_REFUSALS[reason])} + " " + str(COUNTED),
        )
    return locked


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
