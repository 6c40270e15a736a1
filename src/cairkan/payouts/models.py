"""A payout: one attempt to pay a claim's net amount into one verified account.

A claim has at most one payout that has not failed (a database constraint): after a
failure and a new account from the member a new Payout row is made, with a new
reference; an outcome that is merely unknown keeps its row and its reference and is
resolved by a status inquiry, never by sending again under another reference. So a claim
is paid at most once, and every state change writes a PayoutEvent in its transaction.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cairkan.claims.models import Claim
from cairkan.members.models import Participant
from cairkan.payouts.failures import FailureCode

REFERENCE_LENGTH = 34


def new_reference() -> str:
    """A unique end-to-end reference: ``CK`` and 32 upper-case hex digits, 34 characters
    of ``[A-Z0-9]``, so it fits ISO 20022 EndToEndId (35) and SNAP partnerReferenceNo."""
    return "CK" + uuid.uuid4().hex.upper()


class PayoutState(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("being sent")
    # Handed to the bank but no answer came (time-out, lost connection, crash): only a
    # status inquiry under the same reference may tell.
    UNKNOWN = "unknown", _("outcome unknown")
    ACCEPTED = "accepted", _("accepted by the bank")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")
    # The retry ladder ran out (bank down for hours, a refusal Cairkan cannot explain):
    # an officer looks and resumes it.
    HELD = "held", _("held for an officer")


LIVE_STATES = ("queued", "sending", "unknown", "accepted", "paid", "held")


class Payout(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payouts")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    # Integer rupiah, copied from the claim when it was approved.
    gross = models.PositiveBigIntegerField()
    tax = models.PositiveBigIntegerField()
    net = models.PositiveBigIntegerField()
    bank_code = models.CharField(max_length=3)
    account_number = models.CharField(max_length=20)
    account_holder = models.CharField(max_length=120)
    reference = models.CharField(max_length=35, unique=True, default=new_reference)
    state = models.CharField(max_length=10, choices=PayoutState.choices, default="queued")
    failure_code = models.CharField(max_length=24, choices=FailureCode.choices, blank=True)
    # The bank's own words or the last transient error, for officers (never members).
    last_error = models.CharField(max_length=200, blank=True)
    # Times the transfer was handed to the bank, and status inquiries made.
    attempts = models.PositiveIntegerField(default=0)
    inquiries = models.PositiveIntegerField(default=0)
    # Transient failures in a row: the step on the retry ladder.
    retries = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker holds the payout in ``sending``: a stale one marks a crash.
    sending_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)  # the bank said it has it
    settled_at = models.DateTimeField(null=True, blank=True)  # paid or failed

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        permissions = [("resume_payout", _("Can resume a held payout"))]
        constraints = [
            # Never two payments for one claim: one payout at a time that has not failed.
            models.UniqueConstraint(
                fields=["claim"], condition=~Q(state="failed"), name="one_live_payout_per_claim"
            ),
            models.CheckConstraint(
                condition=Q(net=models.F("gross") - models.F("tax")),
                name="payout_net_is_gross_less_tax",
            ),
            models.CheckConstraint(condition=Q(net__gt=0), name="payout_net_positive"),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in PayoutState]), name="payout_state_known"
            ),
            # A failure always says why; nothing else carries a reason.
            models.CheckConstraint(
                condition=(Q(state="failed") & ~Q(failure_code=""))
                | (~Q(state="failed") & Q(failure_code="")),
                name="payout_failure_has_code",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="payout_due")]

    def __str__(self) -> str:
        return f"{self.reference} {self.state} Rp {self.net}"


class PayoutEvent(models.Model):
    """A payout's state change: from, to, who (system, officer, bank), why, when."""

    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    actor = models.CharField(max_length=8)  # system, officer, member
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where the news came from: send, inquiry, sweep, a bank file's name…
    source = models.CharField(max_length=80, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.payout_id}: {self.from_state or '-'} -> {self.to_state}"
