"""Face verification records: enrolment, challenges, attempts, the face-step lock, events.

Only the face *step* locks, never the account: a member whose face step is locked can
still log in, see the balance and follow a claim (architecture: face verification policy).
"""

from __future__ import annotations

import uuid

import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cairkan.members.models import Participant


class Purpose(models.TextChoices):
    ENROLMENT = "enrolment", _("face enrolment")
    CLAIM = "claim", _("claim")
    RECOVERY = "recovery", _("account recovery")


class FaceEnrolment(models.Model):
    """The participant's reference face: the embedding of the live capture that matched
    the population registry's photo at enrolment."""

    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="face_enrolment"
    )
    embedding = models.BinaryField(_("embedding (128 float64)"))
    registry_distance = models.FloatField(_("distance to the registry photo"))
    # Sandbox only: a tester's own capture stood in for the registry photo.
    tester_reference = models.BooleanField(default=False)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("face enrolment")
        verbose_name_plural = _("face enrolments")

    def __str__(self) -> str:
        return f"{self.participant_id} enrolled {self.enrolled_at:%Y-%m-%d}"

    @property
    def vector(self) -> np.ndarray:
        return np.frombuffer(bytes(self.embedding), dtype=np.float64)


class LivenessChallenge(models.Model):
    """A random sequence of steps the server asks for, one prompt at a time
    (``ChallengePrompt``): time-limited and single-use."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    steps = models.JSONField()
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("liveness challenge")
        verbose_name_plural = _("liveness challenges")

    def __str__(self) -> str:
        return f"{self.participant_id} {','.join(self.steps)}"


class ChallengePrompt(models.Model):
    """One prompt of a challenge: "look straight" (index 0), then each step in order.

    A prompt is revealed (its code and a fresh nonce sent to the phone) only after the
    frames of the one before arrived, and its own frames are accepted only with its nonce
    and a moment after the reveal: the capture has to follow the prompts as they come,
    so it cannot be made before the challenge is read (issue 9 M6, docs/face.md).
    """

    challenge = models.ForeignKey(
        LivenessChallenge, on_delete=models.CASCADE, related_name="prompts"
    )
    index = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12)
    # Single use and short-lived like the challenge; shown in no admin page.
    nonce = models.CharField(max_length=32)
    revealed_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("challenge prompt")
        verbose_name_plural = _("challenge prompts")
        ordering = ["challenge", "index"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "index"], name="one_prompt_per_index"),
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} #{self.index} {self.code}"


class ChallengeFrame(models.Model):
    """A frame answering a prompt, kept only until the capture is judged: the verdict
    deletes the frames of its challenge, a new challenge those of expired ones."""

    prompt = models.ForeignKey(ChallengePrompt, on_delete=models.CASCADE, related_name="frames")
    position = models.PositiveSmallIntegerField()
    image = models.BinaryField()

    class Meta:
        verbose_name = _("challenge frame")
        verbose_name_plural = _("challenge frames")
        ordering = ["prompt", "position"]

    def __str__(self) -> str:
        return f"{self.prompt_id} frame {self.position}"


class Outcome(models.TextChoices):
    RETAKE = "retake", _("capture not usable (not counted)")
    PASSED = "passed", _("passed")
    FAILED_LIVENESS = "failed_liveness", _("liveness failed")
    FAILED_MATCH = "failed_match", _("face did not match")
    REVIEW = "review", _("borderline: sent to an officer (not counted)")


COUNTED_OUTCOMES = (Outcome.FAILED_LIVENESS, Outcome.FAILED_MATCH)
# A borderline result counts only once a verifier refused it (FaceReview).
MAY_COUNT = (*COUNTED_OUTCOMES, Outcome.REVIEW)


class FaceAttempt(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    # One attempt per challenge: a resent capture can never count twice.
    challenge = models.OneToOneField(
        LivenessChallenge, on_delete=models.PROTECT, related_name="attempt"
    )
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    counted = models.BooleanField(default=False)
    quality = models.JSONField(default=list)
    liveness_reason = models.CharField(max_length=24, blank=True)
    distance = models.FloatField(null=True, blank=True)
    # Someone helping the member (assisted mode) is recorded; the face is still the member's.
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("face attempt")
        verbose_name_plural = _("face attempts")
        constraints = [
            models.CheckConstraint(
                condition=Q(counted=False) | Q(outcome__in=MAY_COUNT),
                name="face_attempt_counts_only_failures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.outcome}"


class FaceStep(models.Model):
    """Where a participant's face step stands; the row locked to count attempts safely."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="face_step"
    )
    counted_failures = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    # Self-service unlocks after the cooling-off period used so far (limited by settings).
    self_unlocks = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("face step")
        verbose_name_plural = _("face steps")
        permissions = [
            ("unlock_face_step", _("Can open a locked face step after a video call")),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {'locked' if self.locked_at else 'open'}"


class UnlockMethod(models.TextChoices):
    COOLING_OFF = "cooling_off", _("new round after the waiting time")
    VIDEO_CALL = "video_call", _("video call with an officer")
    COUNTER = "counter", _("at the office counter")


class UnlockBooking(models.Model):
    """A member's booked video call with an officer to open the face step; its seat
    comes from the one officers' calendar (``capacity``)."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        DONE = "done", _("verified, face step opened")
        DECLINED = "declined", _("not verified")
        CANCELLED = "cancelled", _("cancelled")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The seat it holds on the one officers' calendar (claims.AppointmentCapacity, named
    # by string: the calendar's services in cairkan.claims take the seat, this app only
    # keeps it). Null only for bookings older than the calendar.
    capacity = models.ForeignKey(
        "claims.AppointmentCapacity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Reminders go once each, set with the outbox message (claims.appointments).
    reminded_day_before_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_before_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("unlock video call")
        verbose_name_plural = _("unlock video calls")
        constraints = [
            # One open booking per member; a double tap books once.
            models.UniqueConstraint(
                fields=["participant"], condition=Q(status="booked"), name="one_open_unlock_booking"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.starts_at:%Y-%m-%d %H:%M} {self.status}"


class FaceEvent(models.Model):
    """The audit trail: every attempt, lock and unlock — who, when, why."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        ATTEMPT = "attempt", _("attempt")
        LOCKED = "locked", _("face step locked")
        UNLOCKED = "unlocked", _("face step opened")
        UNLOCK_BOOKED = "unlock_booked", _("video call booked")
        REVIEW_REQUESTED = "review_requested", _("sent to an officer")
        REVIEW_ACCEPTED = "review_accepted", _("borderline result accepted by an officer")
        REVIEW_REFUSED = "review_refused", _("borderline result refused by an officer")
        DESK_CHECK_STARTED = "desk_check_started", _("identity check at the desk started")
        UNLOCK_REFUSED = "unlock_refused", _("not verified at the desk")

    class Actor(models.TextChoices):
        MEMBER = "member", _("member")
        OFFICER = "officer", _("officer")
        SYSTEM = "system", _("system")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.CharField(max_length=8, choices=Actor.choices)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("face event")
        verbose_name_plural = _("face events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.kind} by {self.actor}"


class FaceReview(models.Model):
    """A borderline claim face check (``Outcome.REVIEW``) waiting for a verifier, with
    the frame looking straight at the camera kept until the decision (docs/face.md,
    "The review band"). While one is pending the member's claim face step waits; the
    verifier accepts it (a pass) or refuses it (a counted failure, the member told why)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an officer")
        ACCEPTED = "accepted", _("accepted: the member's face")
        REFUSED = "refused", _("refused: counted as a failed attempt")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempt = models.OneToOneField(FaceAttempt, on_delete=models.PROTECT, related_name="review")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    # The captured frame, only until the verifier decides: the decision deletes it.
    frame = models.BinaryField(blank=True, default=b"")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=24, blank=True)  # why refused, in the member's words
    note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("face review")
        verbose_name_plural = _("face reviews")
        ordering = ["created_at", "pk"]
        permissions = [
            ("decide_face_review", _("Can accept or refuse a borderline face check")),
        ]
        constraints = [
            # One borderline result waits at a time: the member cannot pile them up.
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(status="pending"),
                name="one_pending_face_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.status}"


class DeskCheck(models.Model):
    """An officer's identity check of a member whose face step is locked, in the booked
    video call or at the counter (a walk-in has no booking): the checklist ticked, the
    questions asked, the outcome. Unlocking needs every item (docs/face.md, "Unlock at
    the desk")."""

    class Status(models.TextChoices):
        OPEN = "open", _("under way")
        UNLOCKED = "unlocked", _("verified, face step opened")
        REFUSED = "refused", _("not verified")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey(
        UnlockBooking, null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )
    method = models.CharField(max_length=12, choices=UnlockMethod.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Codes of the questions on the member's records asked (never their answers).
    questions = models.JSONField(default=list)
    ektp_shown = models.BooleanField(default=False)
    answered = models.JSONField(default=list)  # the questions answered correctly
    live_face_compared = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField(max_length=24, blank=True)  # why not verified
    note = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("identity check at the desk")
        verbose_name_plural = _("identity checks at the desk")
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=Q(status="open"), name="one_open_desk_check"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.method} {self.status}"

    @property
    def walk_in(self) -> bool:
        return self.booking_id is None
