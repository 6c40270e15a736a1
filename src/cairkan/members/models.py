"""Membership data as BPJS Ketenagakerjaan keeps it: people, employers, KPJ numbers, ledger.

Money is whole rupiah in integer columns (no floats anywhere money is concerned).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cairkan.members.identifiers import Sex, validate_kpj, validate_nik

validate_phone = RegexValidator(
    r"^\+628\d{7,11}$",
    _("Write the mobile number as +628…, for example +6281234567890."),
    code="phone_format",
)
validate_district_code = RegexValidator(
    r"^\d{2}\.\d{2}\.\d{2}$",
    _("A district code looks like 63.08.05 (province.regency.district)."),
    code="district_code_format",
)
validate_employer_number = RegexValidator(
    r"^\d{8}$",
    _("An employer registration number (NPP) is 8 digits."),
    code="npp_format",
)


class Participant(models.Model):
    """A person known to BPJS Ketenagakerjaan, identified by NIK; holds one or more KPJ."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True, validators=[validate_nik])
    full_name = models.CharField(_("full name"), max_length=120)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(
        _("sex"), max_length=1, choices=[(Sex.MALE, _("male")), (Sex.FEMALE, _("female"))]
    )
    mother_maiden_name = models.CharField(_("mother's maiden name"), max_length=120)
    phone = models.CharField(
        _("mobile number"), max_length=16, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        permissions = [("correct_participant", _("Can correct a participant's name"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(sex__in=[Sex.MALE, Sex.FEMALE]), name="participant_sex_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik})"


class Employer(models.Model):
    registration_number = models.CharField(
        _("employer registration number (NPP)"),
        max_length=8,
        unique=True,
        validators=[validate_employer_number],
    )
    name = models.CharField(_("name"), max_length=160)
    district_code = models.CharField(
        _("district code"), max_length=8, validators=[validate_district_code]
    )
    sector = models.CharField(_("sector"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return f"{self.name} ({self.registration_number})"


class SeparationReason(models.TextChoices):
    """Why a membership ended, as the employer (or an heir) reports it."""

    RESIGNATION = "resignation", _("resignation")
    TERMINATION = "termination", _("termination of employment (PHK)")
    CONTRACT_END = "contract_end", _("fixed-term contract ended")
    RETIREMENT = "retirement", _("retirement")
    DEATH = "death", _("death")
    PERMANENT_DISABILITY = "permanent_disability", _("permanent total disability")
    LEAVING_INDONESIA = "leaving_indonesia", _("leaving Indonesia for good")


class MembershipStatus(models.TextChoices):
    # Non-active means the employer has reported the departure (or stopped the
    # membership); until then a member who has left still shows as active.
    ACTIVE = "active", _("active")
    NON_ACTIVE = "non_active", _("non-active")


class Membership(models.Model):
    """One KPJ number: a period of membership through one employer."""

    kpj = models.CharField(_("KPJ number"), max_length=11, unique=True, validators=[validate_kpj])
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="memberships"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="memberships")
    start_date = models.DateField(_("membership start"))
    separation_date = models.DateField(_("separation date"), null=True, blank=True)
    separation_reason = models.CharField(
        _("separation reason"),
        max_length=24,
        choices=SeparationReason.choices,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    contractual_retirement_age = models.PositiveSmallIntegerField(
        _("retirement age in the work contract"),
        null=True,
        blank=True,
        validators=[MinValueValidator(40), MaxValueValidator(70)],
        help_text=_("Leave empty when the contract names none; the JHT age of 56 applies."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        permissions = [
            (
                "correct_membership",
                _("Can correct a membership's status and separation date"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(separation_date__isnull=True) | Q(separation_date__gte=F("start_date")),
                name="membership_separation_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(separation_date__isnull=True) & Q(separation_reason=""))
                | (Q(separation_date__isnull=False) & ~Q(separation_reason="")),
                name="membership_separation_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MembershipStatus.values), name="membership_status_known"
            ),
            models.CheckConstraint(
                condition=Q(contractual_retirement_age__isnull=True)
                | Q(contractual_retirement_age__gte=40, contractual_retirement_age__lte=70),
                name="membership_retirement_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.kpj


class Contribution(models.Model):
    """One month's JHT contribution on one KPJ, as paid by the employer."""

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="contributions"
    )
    period = models.DateField(_("month"), help_text=_("First day of the month paid for."))
    wage = models.PositiveBigIntegerField(_("reported monthly wage (Rp)"))
    worker_share = models.PositiveBigIntegerField(_("worker's share (Rp)"))
    employer_share = models.PositiveBigIntegerField(_("employer's share (Rp)"))
    paid_on = models.DateField(_("payment date"))

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "period"], name="contribution_one_per_month"
            ),
        ]
        # Returns are credited by calendar year of payment: a year's rows by date.
        indexes = [models.Index(fields=["paid_on"], name="contribution_paid_on")]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.period:%Y-%m}"


class ReturnRate(models.Model):
    """The development return (hasil pengembangan) credited on JHT balances for a year.

    PP 46/2015 Art. 23: at least the average 12-month deposit rate of state banks. The
    rate is an operator-maintained table, one row per year, never a literal in code.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    rate_percent = models.DecimalField(
        _("rate (% per year)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
    )
    source = models.CharField(_("source"), max_length=200)
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("A made-up value (demo data), not a rate BPJS Ketenagakerjaan credited."),
    )

    class Meta:
        verbose_name = _("development-return rate")
        verbose_name_plural = _("development-return rates")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_percent__gte=0) & Q(rate_percent__lte=30),
                name="return_rate_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.rate_percent}%"


class ReturnCredit(models.Model):
    """The development return credited to one KPJ for one year, and the balance it made.

    One row per (KPJ, year), written by ``credit_returns``; the unique constraint is what
    makes crediting a year twice change nothing. Method: docs/rules.md, "Balance".
    """

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="return_credits"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    opening_balance = models.PositiveBigIntegerField(_("opening balance (Rp)"))
    contributions = models.PositiveBigIntegerField(_("contributions paid in the year (Rp)"))
    withdrawals = models.PositiveBigIntegerField(_("withdrawals paid in the year (Rp)"), default=0)
    rate_percent = models.DecimalField(_("rate (% per year)"), max_digits=5, decimal_places=2)
    amount = models.PositiveBigIntegerField(_("return credited (Rp)"))
    closing_balance = models.PositiveBigIntegerField(_("closing balance (Rp)"))
    credited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credited return")
        verbose_name_plural = _("credited returns")
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="return_credit_once"),
            models.CheckConstraint(
                condition=Q(
                    closing_balance=F("opening_balance")
                    + F("contributions")
                    - F("withdrawals")
                    + F("amount")
                ),
                name="return_credit_adds_up",
            ),
        ]
        indexes = [models.Index(fields=["year"], name="return_credit_year")]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.year}: {self.amount}"


class WithdrawalKind(models.TextChoices):
    PARTIAL_10 = "partial_10", _("partial withdrawal, at most 10%")
    PARTIAL_30 = "partial_30", _("partial withdrawal for housing, at most 30%")
    FULL = "full", _("the whole balance")


class Withdrawal(models.Model):
    """JHT paid out of a participant's balance: one row per paid claim.

    The balance is contributions + returns - paid withdrawals (PP 46/2015 Art. 22 and 26:
    what is paid leaves the balance), and the paid history is what the partial-once rule
    and the two-year tax band read (PP 46/2015 Art. 22(4)–(6); PP 68/2009). The unique
    claim reference is what makes recording a payout twice change nothing. Written only by
    ``members.services.withdrawal_record``; never edited.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="withdrawals"
    )
    claim_reference = models.CharField(_("claim reference"), max_length=64, unique=True)
    reason = models.CharField(_("claim reason"), max_length=24)
    kind = models.CharField(_("kind"), max_length=10, choices=WithdrawalKind.choices)
    gross = models.PositiveBigIntegerField(_("gross amount paid (Rp)"))
    paid_on = models.DateField(_("payment date"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paid withdrawal")
        verbose_name_plural = _("paid withdrawals")
        constraints = [
            models.CheckConstraint(condition=Q(gross__gt=0), name="withdrawal_pays_something"),
            models.CheckConstraint(
                condition=Q(kind__in=WithdrawalKind.values), name="withdrawal_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["paid_on"], name="withdrawal_paid_on")]

    def __str__(self) -> str:
        return f"{self.claim_reference} {self.kind} {self.gross}"


class WithdrawalPart(models.Model):
    """The share of a withdrawal taken from one KPJ: returns are credited per KPJ, so
    each KPJ's balance must know what left it."""

    withdrawal = models.ForeignKey(Withdrawal, on_delete=models.PROTECT, related_name="parts")
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="withdrawal_parts"
    )
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    # Copied from the withdrawal so a KPJ's ledger is read by date without a join.
    paid_on = models.DateField(_("payment date"))

    class Meta:
        verbose_name = _("withdrawal part")
        verbose_name_plural = _("withdrawal parts")
        constraints = [
            models.UniqueConstraint(
                fields=["withdrawal", "membership"], name="withdrawal_part_once_per_kpj"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="withdrawal_part_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.withdrawal_id}/{self.membership_id}: {self.amount}"


class MemberDataEvent(models.Model):
    """A correction of registry data by an officer: who, what was and became, and why.

    Written only by the correction services in ``members.services``, with the audit
    entry, in the transaction that changes the record. Keeps the values in full (to undo
    a wrong correction); the audit trail keeps them masked."""

    class Kind(models.TextChoices):
        NAME_CORRECTED = "name_corrected", _("name corrected")
        MEMBERSHIP_CORRECTED = "membership_corrected", _("membership corrected")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    reason = models.CharField(_("reason"), max_length=500)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("member data correction")
        verbose_name_plural = _("member data corrections")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.kind}"
