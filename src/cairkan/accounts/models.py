"""Member accounts: who may log in as which participant, codes, devices, throttling."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cairkan.members.models import Participant


class MemberAccount(models.Model):
    """A participant's login. The password lives on the Django user (Argon2)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_account"
    )
    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="account"
    )
    # NULL, not "": unique contacts, yet many accounts may lack one of the two.
    phone = models.CharField(_("verified mobile number"), max_length=16, unique=True, null=True)  # noqa: DJ001
    email = models.EmailField(_("verified e-mail"), unique=True, null=True)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member account")
        verbose_name_plural = _("member accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__isnull=False) | Q(email__isnull=False),
                name="member_account_reachable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} ({self.phone or self.email})"


class Registration(models.Model):
    """A data update (pengkinian data) in progress: kept server-side so a dropped
    connection or a closed tab resumes at the same step."""

    class Step(models.TextChoices):
        CONTACT = "contact", _("verify contact")
        PASSWORD = "password", _("choose a password")
        FACE = "face", _("face enrolment")
        DONE = "done", _("done")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=10, choices=Step.choices, default=Step.CONTACT)
    phone = models.CharField(max_length=16, blank=True)
    email = models.EmailField(blank=True)
    phone_verified = models.BooleanField(default=False)
    email_verified = models.BooleanField(default=False)
    registry_name = models.CharField(max_length=120)
    warnings = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("registration in progress")
        verbose_name_plural = _("registrations in progress")

    def __str__(self) -> str:
        return f"{self.participant_id} at {self.step}"


class OneTimeCode(models.Model):
    """A six-digit code sent to a phone or e-mail; only its keyed hash is stored."""

    class Purpose(models.TextChoices):
        CONTACT = "contact", _("confirm a contact")
        NEW_DEVICE = "new_device", _("confirm a new device")
        RECOVERY = "recovery", _("account recovery")

    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    destination = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # A new-device code confirms that device only (a hash of its id; blank for others),
    # so two devices logging in at once each get a code of their own.
    device_hash = models.CharField(max_length=64, blank=True, default="")
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["purpose", "destination", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} to {self.destination}"


class KnownDevice(models.Model):
    """A browser the member confirmed with a code; others must confirm again."""

    account = models.ForeignKey(MemberAccount, on_delete=models.CASCADE, related_name="devices")
    device_hash = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "device_hash"], name="known_device_once")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} device"


class ThrottleEvent(models.Model):
    """One failed try, kept per scope and key (an account, a client address, the whole
    service) so limits hold across every web process."""

    scope = models.CharField(max_length=24)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class AccountEvent(models.Model):
    """The audit trail of accounts: who replaced whose unfinished account, and when.

    The participant is who the account is for; ``data`` holds ids, never contacts."""

    class Kind(models.TextChoices):
        REPLACED = "replaced", _("unenrolled account replaced by a new registration")
        # A new contact is where the next codes go: screening holds a claim filed soon after.
        CONTACT_CHANGED = "contact_changed", _("verified contact changed")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.kind}"
