"""The back office's own records: branch offices, where each officer is posted, who is
working on a claim and the first of two approvals (four eyes).

A claim belongs to the branch (Kantor Cabang) whose area holds the member's latest
employer: BPJS Ketenagakerjaan serves a member through the branch of the employer's
region. Areas are regencies/cities, the first two parts of a district code (``63.08``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_regency_codes(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(code, str) and len(code) == 5 and code[2] == "." for code in value
    ):
        raise ValidationError(_("List regency codes like 63.08 (province.regency)."))


class Branch(models.Model):
    """A Kantor Cabang and the regencies/cities it serves."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    regency_codes = models.JSONField(
        _("regencies served"), default=list, validators=[validate_regency_codes]
    )

    class Meta:
        verbose_name = _("branch office")
        verbose_name_plural = _("branch offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Posting(models.Model):
    """The branches an officer works for. An officer reads and decides only their
    branches' claims unless they hold ``backoffice.view_all_branches``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posting"
    )
    branches = models.ManyToManyField(Branch, related_name="postings", blank=True)

    class Meta:
        verbose_name = _("officer's posting")
        verbose_name_plural = _("officers' postings")

    def __str__(self) -> str:
        return str(self.user)


class ClaimReview(models.Model):
    """A person's work on one claim: who has taken it, the first approval when the amount
    needs two people, and an escalation to a supervisor."""

    claim = models.OneToOneField("claims.Claim", on_delete=models.PROTECT, related_name="review")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("claim review")
        verbose_name_plural = _("claim reviews")
        permissions = [
            ("view_all_branches", _("Can read the claims of every branch office")),
            ("escalate_claim", _("Can escalate a claim to a supervisor")),
            ("view_supervision", _("Can see the supervisor's view of the queue")),
            (
                "approve_above_limit",
                _("Can give the second approval of a claim above the four-eyes limit"),
            ),
            ("release_any_claim", _("Can give back a claim another officer holds")),
        ]

    def __str__(self) -> str:
        return f"review of {self.claim_id}"


class ReviewEvent(models.Model):
    """Each officer's step on a claim that is not a status change (those are ClaimEvents):
    taking and releasing it, the first approval, an escalation."""

    class Action(models.TextChoices):
        TAKEN = "taken", _("taken")
        RELEASED = "released", _("released")
        FIRST_APPROVAL = "first_approval", _("first approval")
        ESCALATED = "escalated", _("escalated to a supervisor")

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.action} by {self.officer_id}"


class StaffEnrolment(models.Model):
    """An operator's leave for one officer to enrol a second-factor (TOTP) device.

    Whoever knows an officer's password must not own their second factor: the device is
    enrolled only in a sign-in that carries the one-time code an operator issued, before
    it expires. The code itself is never stored, only its SHA-256 (it is 80 random bits,
    so a fast hash is enough); it is shown once, to the operator who issued it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("officer's device enrolment")
        verbose_name_plural = _("officers' device enrolments")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"enrolment of {self.user_id} issued {self.issued_at:%Y-%m-%d %H:%M}"
