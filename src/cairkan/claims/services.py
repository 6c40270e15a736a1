"""Filing a claim and moving it through its life, every change an audited event.

``claim_submit`` is idempotent: a double tap, a retry after a time-out or a second tab
with the same Idempotency-Key returns the first claim; one claim may be open per member.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import holidays
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cairkan.biometrics.models import FaceAttempt, Outcome
from cairkan.claims.models import OPEN_STATUSES, Channel, Claim, ClaimEvent, Status
from cairkan.integrations import loading
from cairkan.integrations.bank.base import (
    AccountNotFound,
    AccountStatus,
    BankTimeout,
    BankUnavailable,
    UnknownBank,
)
from cairkan.integrations.registry.base import RegistryError
from cairkan.jht import Case, Decision, PriorPayout, Reason, decide
from cairkan.members.balances import participant_balance
from cairkan.members.models import Participant
from cairkan.members.names import compare_names
from cairkan.notifications.gateway import notify

FACE_VALID_FOR = timedelta(minutes=15)
NPWP = re.compile(r"^\d{15,16}$")
# Which moves a claim may make (architecture: claim lifecycle).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.SUBMITTED: (
        Status.IN_REVIEW,
        Status.APPROVED,
        Status.NEEDS_FIX,
        Status.REJECTED,
        Status.CANCELLED,
    ),
    Status.IN_REVIEW: (Status.APPROVED, Status.NEEDS_FIX, Status.REJECTED),
    Status.NEEDS_FIX: (Status.SUBMITTED, Status.CANCELLED),
    Status.APPROVED: (Status.PAYOUT_QUEUED,),
    Status.PAYOUT_QUEUED: (Status.PAID, Status.PAYOUT_FAILED),
    Status.PAYOUT_FAILED: (Status.PAYOUT_QUEUED, Status.CANCELLED),
}
# The five stages members know from BPJS by these names, and where each status sits.
STAGES = ("Agenda Klaim", "Penetapan Klaim", "Persetujuan Klaim", "Pembayaran Klaim", "Selesai")
STAGE_OF = {
    Status.SUBMITTED: 0,
    Status.IN_REVIEW: 1,
    Status.NEEDS_FIX: 1,
    Status.APPROVED: 2,
    Status.PAYOUT_QUEUED: 3,
    Status.PAYOUT_FAILED: 3,
    Status.PAID: 4,
    Status.REJECTED: 1,
    Status.CANCELLED: 0,
}


class ClaimError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    reason: str
    separation_date: date | None
    bank_code: str
    account_number: str
    npwp: str = ""
    prefer_branch: bool = False


def _case(participant: Participant, request: ClaimRequest, as_of: date) -> Case:
    memberships = list(participant.memberships.order_by("start_date"))
    if not memberships:
        raise ClaimError("no_membership")
    latest = memberships[-1]
    paid = Claim.objects.filter(participant=participant, status=Status.PAID)
    return Case(
        as_of=as_of,
        reason=Reason(request.reason),
        birth_date=participant.birth_date,
        retirement_age=latest.contractual_retirement_age,
        membership_start=memberships[0].start_date,
        membership_active=latest.status == "active",
        separation_date=request.separation_date or latest.separation_date,
        balance=participant_balance(participant=participant, as_of=as_of),
        has_npwp=bool(request.npwp),
        prior_payouts=tuple(PriorPayout(c.payment_due, Reason(c.reason), c.gross) for c in paid),
    )


def _check_bank(participant: Participant, request: ClaimRequest) -> str:
    """The account exists, can receive money and is in the member's own name."""
    try:
        holder = loading.bank().inquire_account(
            bank_code=request.bank_code, account_number=request.account_number
        )
    except (UnknownBank, AccountNotFound):
        raise ClaimError("bank_account_unknown") from None
    except (BankTimeout, BankUnavailable):
        raise ClaimError("bank_unavailable") from None
    if holder.status is not AccountStatus.ACTIVE:
        raise ClaimError(f"bank_account_{holder.status.value}")
    try:
        registry_name = loading.population_registry().lookup(participant.nik).full_name
    except RegistryError:
        registry_name = participant.full_name
    if not compare_names(holder.holder_name, registry_name).same:
        raise ClaimError("bank_holder_mismatch", holder=holder.holder_name, name=registry_name)
    return holder.holder_name


def payment_due(start: date, working_days: int) -> date:
    """The day payment is due: working days after ``start``, weekends and public holidays off."""
    closed = holidays.country_holidays("ID", years=(start.year, start.year + 1))
    day, left = start, working_days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            left -= 1
    return day


def _event(
    claim: Claim,
    from_status: str,
    to_status: str,
    *,
    actor: str,
    acting_user: Any = None,
    reason: str = "",
) -> None:
    ClaimEvent.objects.create(
        claim=claim,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        acting_user=acting_user,
        reason=reason,
    )


def claim_submit(
    *,
    participant: Participant,
    request: ClaimRequest,
    idempotency_key: str,
    helper: Any = None,
    now: datetime | None = None,
) -> Claim:
    """File a claim. The same key returns the same claim; nothing is filed twice."""
    if not idempotency_key or len(idempotency_key) > 64:
        raise ClaimError("idempotency_key_invalid")
    existing = Claim.objects.filter(
        participant=participant, idempotency_key=idempotency_key
    ).first()
    if existing:
        return existing
    now = now or timezone.now()
    if Claim.objects.filter(participant=participant, status__in=OPEN_STATUSES).exists():
        raise ClaimError("claim_in_progress")
    if request.npwp and not NPWP.match(request.npwp):
        raise ClaimError("npwp_format")
    face_ok = FaceAttempt.objects.filter(
        participant=participant,
        purpose="claim",
        outcome=Outcome.PASSED,
        created_at__gte=now - FACE_VALID_FOR,
    ).exists()
    if not face_ok:
        raise ClaimError("face_required")
    as_of = timezone.localdate(now)
    case = _case(participant, request, as_of)
    decision: Decision = decide(case)
    if not decision.eligible:
        raise ClaimError(
            "not_eligible", refusals=decision.refusals, explanations=decision.explain("id")
        )
    holder = _check_bank(participant, request)
    channel = (
        Channel.BRANCH
        if request.prefer_branch
        else Channel.APP
        if "app" in decision.channels
        else Channel.ONLINE_ASSISTED
    )
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                participant=participant,
                reason=request.reason,
                channel=channel,
                separation_date=case.separation_date,
                balance=case.balance,
                gross=decision.gross,
                tax=decision.tax,
                net=decision.net,
                documents_required=list(decision.documents),
                npwp=request.npwp,
                bank_code=request.bank_code,
                account_number=request.account_number,
                account_holder=holder,
                helper=helper,
                idempotency_key=idempotency_key,
                payment_due=payment_due(as_of, decision.payment_within_working_days),
            )
            _event(
                claim,
                "",
                Status.SUBMITTED,
                actor="member",
                acting_user=helper,
                reason=f"filed on the {channel} channel" + (" with a helper" if helper else ""),
            )
    except IntegrityError:
        again = Claim.objects.filter(
            participant=participant, idempotency_key=idempotency_key
        ).first()
        if again:  # the same submission raced in from another tab
            return again
        raise ClaimError("claim_in_progress") from None
    _notify(claim)
    return claim


def claim_transition(
    *,
    claim: Claim,
    to_status: str,
    actor: str,
    acting_user: Any = None,
    reason: str = "",
    correction_fields: list[str] | None = None,
    rejection_code: str = "",
) -> Claim:
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if to_status not in TRANSITIONS.get(locked.status, ()):
            raise ClaimError("transition_not_allowed", current=locked.status, to=to_status)
        if to_status == Status.NEEDS_FIX and not correction_fields:
            raise ClaimError("correction_fields_required")
        if to_status == Status.REJECTED and not rejection_code:
            raise ClaimError("rejection_code_required")
        previous = locked.status
        locked.status = to_status
        locked.correction_fields = correction_fields or []
        locked.rejection_code = rejection_code
        locked.save(update_fields=["status", "correction_fields", "rejection_code"])
        _event(locked, previous, to_status, actor=actor, acting_user=acting_user, reason=reason)
    _notify(locked)
    return locked


def stage_of(claim: Claim) -> tuple[int, str]:
    index = STAGE_OF[Status(claim.status)]
    return index, STAGES[index]


def _notify(claim: Claim) -> None:
    """Tell the member on every change, on every verified contact."""
    account = getattr(claim.participant, "account", None)
    if account is None:
        return
    stage = stage_of(claim)[1]
    body = _("Your JHT claim %(number)s: %(stage)s, %(status)s. Details in Cairkan.") % {
        "number": str(claim.public_id)[:8],
        "stage": stage,
        "status": Status(claim.status).label,
    }
    for channel, to in (("sms", account.phone), ("email", account.email)):
        if to:
            notify(channel=channel, to=to, subject=str(_("JHT claim status")), body=body)
