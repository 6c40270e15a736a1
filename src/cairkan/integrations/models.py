"""Tables behind the sandbox gateways: what the fake registry and fake bank know.

These stand in for systems Cairkan does not own. Nothing outside ``integrations`` reads
them directly; everything goes through the gateway interfaces.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SandboxFault(models.TextChoices):
    """A failure scripted onto one record, so tests and demos can reach it on purpose."""

    NONE = "", _("none")
    TIMEOUT = "timeout", _("never answers in time")
    UNAVAILABLE = "unavailable", _("service unavailable")
    # The bank accepted the transfer but the answer was lost on the way back: the
    # caller sees a time-out although the money is moving. Only a status query or a
    # retry with the same reference tells.
    TIMEOUT_AFTER_ACCEPT = "timeout_after_accept", _("time-out after the transfer was accepted")


class SandboxRegistryRecord(models.Model):
    """One person in the sandbox population registry (Dukcapil)."""

    nik = models.CharField(max_length=16, unique=True)
    full_name = models.CharField(max_length=120)
    birth_date = models.DateField()
    birthplace = models.CharField(max_length=80)
    sex = models.CharField(max_length=1)
    address = models.CharField(max_length=240)
    district_code = models.CharField(max_length=8)
    deceased_on = models.DateField(null=True, blank=True)
    photo_jpeg = models.BinaryField(null=True, blank=True, editable=True)
    fault = models.CharField(max_length=24, choices=SandboxFault.choices, blank=True)

    class Meta:
        verbose_name = _("sandbox registry record")
        verbose_name_plural = _("sandbox registry records")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik})"


class SandboxAccountStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    DORMANT = "dormant", _("dormant")
    CLOSED = "closed", _("closed")


class SandboxBankAccount(models.Model):
    """One account at one bank in the sandbox bank network."""

    bank_code = models.CharField(max_length=3)
    account_number = models.CharField(max_length=20)
    holder_name = models.CharField(max_length=120)
    status = models.CharField(
        max_length=8, choices=SandboxAccountStatus.choices, default=SandboxAccountStatus.ACTIVE
    )
    fault = models.CharField(max_length=24, choices=SandboxFault.choices, blank=True)

    class Meta:
        verbose_name = _("sandbox bank account")
        verbose_name_plural = _("sandbox bank accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["bank_code", "account_number"], name="sandbox_account_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_code}-{self.account_number} {self.holder_name}"


class SandboxTransfer(models.Model):
    """A credit transfer the sandbox bank accepted; it settles later, like a real one."""

    reference = models.CharField(max_length=64, unique=True)
    bank_code = models.CharField(max_length=3)
    account_number = models.CharField(max_length=20)
    beneficiary_name = models.CharField(max_length=120)
    amount = models.PositiveBigIntegerField()
    accepted_at = models.DateTimeField()
    settles_at = models.DateTimeField()
    # What the transfer will have become once ``settles_at`` has passed.
    outcome = models.CharField(max_length=12)
    failure_code = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("sandbox transfer")
        verbose_name_plural = _("sandbox transfers")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="sandbox_transfer_positive"),
            models.CheckConstraint(
                condition=Q(outcome__in=["completed", "failed"]), name="sandbox_transfer_outcome"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class SandboxExternalId(models.Model):
    """An ``X-EXTERNAL-ID`` the SNAP BI sandbox bank has seen: unique per partner per day
    (the bank's day, WIB), so a reused one is refused (409xx00) as a real bank does."""

    partner_id = models.CharField(max_length=36)
    day = models.DateField()
    external_id = models.CharField(max_length=36)
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sandbox SNAP external id")
        verbose_name_plural = _("sandbox SNAP external ids")
        constraints = [
            models.UniqueConstraint(
                fields=["partner_id", "day", "external_id"], name="sandbox_external_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.day} {self.external_id}"


class BankFileKind(models.TextChoices):
    PAIN_001 = "pain.001", _("credit transfers sent (pain.001)")
    PAIN_002 = "pain.002", _("payment status report (pain.002)")
    CAMT_054 = "camt.054", _("debit/credit notification (camt.054)")


class BankFile(models.Model):
    """One ISO 20022 file exchanged with a bank over the host-to-host file rail.

    The file's SHA-256 is unique, and so is its message id per bank and kind: a file that
    arrives twice (a retry, a replay, the same report re-sent with one byte changed) finds
    its row and changes nothing. The row is written in the transaction that applies the
    file, so it exists exactly when the file's outcomes were applied. The file's content
    (names and accounts of members) is not kept here.
    """

    kind = models.CharField(max_length=8, choices=BankFileKind.choices)
    bank_code = models.CharField(max_length=3)
    message_id = models.CharField(max_length=35)
    sha256 = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200, blank=True)  # the file name, as given
    # When Cairkan received the file (or, for pain.001, made it).
    received_at = models.DateTimeField(default=timezone.now)
    transfers = models.PositiveIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)  # rupiah in the file's transfers
    # What applying it did: counts per outcome, the references held for an officer.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("bank file")
        verbose_name_plural = _("bank files")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "bank_code", "message_id"], name="bank_file_message_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in BankFileKind]), name="bank_file_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.bank_code} {self.message_id}"
