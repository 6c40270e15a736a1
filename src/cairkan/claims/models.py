"""The Claim aggregate: one model for every channel, changed only through services that
write a ClaimEvent in the same transaction (architecture: every state change is an event)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cairkan.members.models import Participant


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("received")
    IN_REVIEW = "in_review", _("documents being assessed")
    NEEDS_FIX = "needs_fix", _("needs correction")
    APPROVED = "approved", _("approved")
    PAYOUT_QUEUED = "payout_queued", _("being paid")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")
    PAYOUT_FAILED = "payout_failed", _("payment failed")
    CANCELLED = "cancelled", _("cancelled")


class Channel(models.TextChoices):
    APP = "app", _("in the app")
    ONLINE_ASSISTED = "online_assisted", _("online, with an officer's video call")
    BRANCH = "branch", _("at a branch office")
    # Filed by an officer for a member present at the counter (a walk-in): the rules'
    # branch channel (any eligible claim, no app limit); the officer's in-person check
    # and the counter camera's face check replace the appointment the others need.
    COUNTER = "counter", _("at the counter, filed by an officer")


class SeparationSource(models.TextChoices):
    """Who gave the claim's separation date. The employer's report governs; a member's
    own date is taken only when there is none, and sends the claim to an officer."""

    EMPLOYER = "employer", _("reported by the employer")
    MEMBER = "member", _("declared by the member")


OPEN_STATUSES = (
    "submitted",
    "in_review",
    "needs_fix",
    "approved",
    "payout_queued",
    "payout_failed",
)


class Claim(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="claims")
    reason = models.CharField(_("reason"), max_length=24)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    separation_date = models.DateField(null=True, blank=True)
    separation_date_source = models.CharField(
        _("separation date given by"), max_length=8, choices=SeparationSource.choices, blank=True
    )
    # What the rules decided at submission (integer rupiah), kept as the claim's basis.
    balance = models.PositiveBigIntegerField()
    gross = models.PositiveBigIntegerField()
    tax = models.PositiveBigIntegerField()
    net = models.PositiveBigIntegerField()
    documents_required = models.JSONField(default=list)
    npwp = models.CharField(max_length=16, blank=True)
    bank_code = models.CharField(max_length=3)
    account_number = models.CharField(max_length=20)
    account_holder = models.CharField(max_length=120)
    # Assisted mode: the officer (a user) or the relative (named below) who filled the
    # form on their own phone; the face check is always the member's own.
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    helper_name = models.CharField(_("helper's name"), max_length=120, blank=True)
    helper_relation = models.CharField(_("helper's relation"), max_length=16, blank=True)
    helper_phone = models.CharField(_("helper's phone"), max_length=20, blank=True)
    idempotency_key = models.CharField(max_length=64)
    # When the filing service filed it (its clock: ``claim_submit(now=...)``).
    submitted_at = models.DateTimeField(default=timezone.now)
    payment_due = models.DateField()
    # Prefilled facts the member marked as wrong, for the officer to check before paying.
    flagged_fields = models.JSONField(default=list, blank=True)
    member_note = models.CharField(max_length=500, blank=True)
    rejection_code = models.CharField(max_length=40, blank=True)
    correction_fields = models.JSONField(default=list)
    # Why screening sent the claim to an officer: its risk codes (cairkan.screening.rules).
    review_reasons = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        # Each officer's move on a claim is its own permission, so a role can assess
        # without approving (four eyes) and a view-only auditor moves nothing.
        permissions = [
            ("assess_claim", _("Can start assessing a claim's documents")),
            ("approve_claim", _("Can approve a claim")),
            ("reject_claim", _("Can reject a claim")),
            ("request_correction", _("Can ask the member to correct a claim")),
            ("file_on_behalf", _("Can file a claim for a member present at the counter")),
        ]
        constraints = [
            # A retried or double-tapped submission finds the first claim.
            models.UniqueConstraint(
                fields=["participant", "idempotency_key"], name="claim_idempotent_submit"
            ),
            # One claim in progress per member, whatever the channel.
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_claim_per_member",
            ),
            models.CheckConstraint(
                condition=Q(net=models.F("gross") - models.F("tax")),
                name="claim_net_is_gross_less_tax",
            ),
            # A separation date always says who gave it, and only a date has a source.
            models.CheckConstraint(
                condition=(Q(separation_date__isnull=True) & Q(separation_date_source=""))
                | (
                    Q(separation_date__isnull=False)
                    & Q(separation_date_source__in=SeparationSource.values)
                ),
                name="claim_separation_date_has_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.reason} {self.status}"


class CounterConsent(models.Model):
    """The member's recorded consent to a claim an officer filed for them at the counter:
    the exact words read to the member, how the member agreed, when, and the officer who
    witnessed it. Written in the transaction that files the claim, with its audit entry."""

    class Method(models.TextChoices):
        SIGNED = "signed", _("signed the printed consent")
        THUMBPRINT = "thumbprint", _("put a thumbprint on the printed consent")
        SPOKEN = "spoken", _("said yes after the officer read it aloud")

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="counter_consent")
    text = models.TextField(_("consent as read to the member"))
    method = models.CharField(_("how the member agreed"), max_length=12, choices=Method.choices)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"))

    class Meta:
        verbose_name = _("counter consent")
        verbose_name_plural = _("counter consents")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.method} {self.given_at:%Y-%m-%d %H:%M}"


class ClaimEvent(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.CharField(max_length=8)  # member, officer, system
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)  # the services' clock when they pass one

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status or '-'} -> {self.to_status}"


class ClaimDraft(models.Model):
    """The wizard's answers so far, saved the moment each step is completed, so a dropped
    connection, a closed tab or another phone resumes where the member stopped."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="claim_draft"
    )
    step = models.CharField(max_length=16, default="who")
    data = models.JSONField(default=dict)
    # Bumped on every save; a save based on an older version is refused, not merged
    # silently (two tabs, or a phone that was offline).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("claim draft")
        verbose_name_plural = _("claim drafts")

    def __str__(self) -> str:
        return f"{self.participant_id} at {self.step} v{self.version}"


class DocumentUpload(models.Model):
    """A document arriving in chunks; the client resumes from ``received`` after a drop."""

    class State(models.TextChoices):
        RECEIVING = "receiving", _("receiving")
        COMPLETE = "complete", _("complete")
        REJECTED = "rejected", _("rejected")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A draft's upload until the claim is filed, then the claim's (the draft is deleted).
    draft = models.ForeignKey(
        ClaimDraft, null=True, blank=True, on_delete=models.CASCADE, related_name="uploads"
    )
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(max_length=40)  # a document code from the rules
    filename = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    received = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVING)
    content_type = models.CharField(max_length=40, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rejection = models.CharField(max_length=40, blank=True)
    stored = models.FileField(upload_to="claim-documents/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document upload")
        verbose_name_plural = _("document uploads")
        constraints = [
            models.CheckConstraint(
                condition=Q(received__lte=models.F("size")), name="upload_not_past_its_size"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.received}/{self.size} {self.state}"


class UploadChunk(models.Model):
    """A received piece of an upload. In the database, not on one server's disk, so a
    resumed upload may land on any web process."""

    upload = models.ForeignKey(DocumentUpload, on_delete=models.CASCADE, related_name="chunks")
    offset = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["upload", "offset"], name="upload_chunk_once")
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}@{self.offset}"


class AppointmentKind(models.TextChoices):
    VIDEO = "video", _("video call with an officer")
    BRANCH = "branch", _("appointment at the branch office")


class AppointmentPurpose(models.TextChoices):
    """Why a member meets an officer: every purpose takes its seat from the one calendar."""

    FACE_UNLOCK = "face_unlock", _("face step unlock")
    CLAIM_VERIFICATION = "claim_verification", _("claim verification")
    ASSISTED_CLAIM = "assisted_claim", _("claim filed with an officer")


class Desk(models.Model):
    """Where officers meet members: the video desk, or one branch office's counter.

    Kept here, not in the back office: the calendar and its bookings (claims, the face
    step) sit below ``cairkan.backoffice`` in the layers, so a counter names its branch
    by the back office's ``Branch.code`` (``branch_code``) instead of a foreign key."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=AppointmentKind.choices)
    branch_code = models.SlugField(
        _("branch office code"),
        max_length=20,
        blank=True,
        help_text=_("For a counter: the code of its branch office."),
    )

    class Meta:
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class AppointmentCapacity(models.Model):
    """The one officers' calendar: seats published for one day at one desk. Meetings
    start every ``slot_minutes`` from ``first_start`` to ``last_start``, ``seats`` at a
    time, for every purpose (claim verification, assisted claim, face unlock). A seat is
    taken under a lock on this row (``claims.appointments``)."""

    day = models.DateField(_("day"))
    desk = models.ForeignKey(
        Desk, on_delete=models.PROTECT, related_name="capacities", verbose_name=_("desk")
    )
    first_start = models.TimeField(_("first start"))
    last_start = models.TimeField(_("last start"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per appointment"), default=30)
    seats = models.PositiveSmallIntegerField(_("officers at a time"), default=1)

    class Meta:
        verbose_name = _("published capacity")
        verbose_name_plural = _("published capacity")
        ordering = ["day", "desk"]
        constraints = [
            models.UniqueConstraint(fields=["day", "desk"], name="one_capacity_per_day_and_desk"),
            models.CheckConstraint(
                condition=Q(first_start__lte=models.F("last_start")), name="capacity_starts_ordered"
            ),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="capacity_slot_length"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.desk_id} x{self.seats}"

    @property
    def kind(self) -> str:
        return str(self.desk.kind)


class Appointment(models.Model):
    """A claim's meeting with an officer: the video verification or branch visit a
    claim on the assisted channels needs, or a claim filed with an officer."""

    class State(models.TextChoices):
        BOOKED = "booked", _("booked")
        DONE = "done", _("held")
        MISSED = "missed", _("missed")
        CANCELLED = "cancelled", _("cancelled")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="appointments")
    capacity = models.ForeignKey(AppointmentCapacity, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=AppointmentKind.choices)
    purpose = models.CharField(
        max_length=20,
        choices=AppointmentPurpose.choices,
        default=AppointmentPurpose.CLAIM_VERIFICATION,
    )
    starts_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)
    # Reminders go once each (claims.appointments.reminders_send): set in the transaction
    # that writes the message to the outbox.
    reminded_day_before_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_before_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=Q(state="booked"), name="one_open_appointment_per_claim"
            ),
        ]
        indexes = [
            models.Index(fields=["capacity", "starts_at"], name="appointment_seat"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.kind} {self.starts_at:%Y-%m-%d %H:%M} {self.state}"


# --- heirs' claims (death) ----------------------------------------------------------------


class HeirRelation(models.TextChoices):
    """Who may claim a dead member's JHT, in the order PP 46/2015 Art. 26(3) (as changed
    by PP 60/2015) calls them: widow or widower and children, then parents and
    grandchildren, then siblings, then parents-in-law, then whoever the member's will
    names."""

    SPOUSE = "spouse", _("widow or widower")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    GRANDCHILD = "grandchild", _("grandchild")
    SIBLING = "sibling", _("brother or sister")
    PARENT_IN_LAW = "parent_in_law", _("parent-in-law")
    NAMED_IN_WILL = "named_in_will", _("named in the member's will")


class Claimant(models.Model):
    """The heir who filed a death claim for a deceased member. The claim's participant
    stays the deceased member (whose balance is paid); the money goes to this heir's
    account, in the heir's name. Names and birth dates are the population registry's."""

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="claimant")
    nik = models.CharField(_("heir's NIK"), max_length=16)
    full_name = models.CharField(_("heir's name"), max_length=120)
    birth_date = models.DateField(_("heir's birth date"))
    relation = models.CharField(
        _("relation to the member"), max_length=16, choices=HeirRelation.choices
    )
    phone = models.CharField(_("heir's mobile number"), max_length=16)
    # A child (under 18, UU 35/2014 Art. 1) acts through a guardian, who is checked
    # against the registry too and whose letter the rules then ask for.
    is_minor = models.BooleanField(_("heir under 18"), default=False)
    guardian_nik = models.CharField(_("guardian's NIK"), max_length=16, blank=True)
    guardian_name = models.CharField(_("guardian's name"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("heir")
        verbose_name_plural = _("heirs")
        constraints = [
            # A minor heir always has a guardian; an adult heir never needs one.
            models.CheckConstraint(
                condition=(Q(is_minor=False) & Q(guardian_nik=""))
                | (Q(is_minor=True) & ~Q(guardian_nik="")),
                name="claimant_minor_has_guardian",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.relation}) for {self.claim_id}"
