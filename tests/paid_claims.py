"""Members, claims and payments for the tax and reconciliation tests, built directly (not
the demo loader): a member with one KPJ and one large contribution, a claim decided with
the given amounts and approved through ``claim_approve`` (which makes its payout), and
the payout settled paid through ``payout_settle``, as a bank's answer would. The send task
``claim_approve`` schedules runs on commit, which a ``django_db`` test never reaches: no
bank is called."""

from __future__ import annotations

import itertools
from datetime import date

from cairkan.claims.models import Claim, Status
from cairkan.members.models import Contribution, Employer, Membership, Participant
from cairkan.members.services import withdrawal_record
from cairkan.payouts.models import Payout
from cairkan.payouts.services import claim_approve, payout_settle

_serial = itertools.count(1)


def member(name: str = "Siti Rahmawati", balance: int = 500_000_000) -> Participant:
    """A member (born 3 Nov 1970, Hulu Sungai Utara) whose KPJ holds ``balance`` rupiah."""
    n = next(_serial)
    participant = Participant.objects.create(
        nik=f"63080503117{n:05d}",
        full_name=name,
        birth_date=date(1970, 11, 3),
        sex="M",
        mother_maiden_name="Aminah",
        phone=f"08123450{n:04d}",
    )
    employer = Employer.objects.create(
        registration_number=f"{n:08d}", name="PT Contoh", district_code="63.08.05"
    )
    membership = Membership.objects.create(
        kpj=f"{n:011d}",
        participant=participant,
        employer=employer,
        start_date=date(2000, 1, 1),
        separation_date=date(2026, 1, 31),
        separation_reason="resignation",
        status="non_active",
    )
    Contribution.objects.create(
        membership=membership,
        period=date(2000, 1, 1),
        wage=balance,
        worker_share=balance,
        employer_share=0,
        paid_on=date(2000, 1, 5),
    )
    return participant


def approved_claim(
    participant: Participant, *, gross: int, tax: int, npwp: str = "", reason: str = "resignation"
) -> Claim:
    """A claim the rules decided (``gross``, ``tax``) and an officer approved: its payout
    is queued."""
    n = next(_serial)
    claim = Claim.objects.create(
        participant=participant,
        reason=reason,
        channel="app",
        status=Status.IN_REVIEW,
        balance=gross,
        gross=gross,
        tax=tax,
        net=gross - tax,
        npwp=npwp,
        bank_code="002",
        account_number=f"0052010{n:08d}",
        account_holder=participant.full_name,
        idempotency_key=f"k{n}",
        payment_due=date(2026, 11, 30),
    )
    return claim_approve(claim=claim, actor="officer", reason="test")


def payout_of(claim: Claim) -> Payout:
    return Payout.objects.exclude(state="failed").get(claim=claim)


def pay(claim: Claim, on: date | None = None) -> Claim:
    """The claim's payout settled paid. With ``on``, the withdrawal is written with that
    payment date first (settling records the same withdrawal again, which changes
    nothing), so a test can pay in another month."""
    if on is not None:
        withdrawal_record(
            participant=claim.participant,
            claim_reference=str(claim.public_id),
            reason=claim.reason,
            gross=claim.gross,
            paid_on=on,
        )
    payout = payout_of(claim)
    payout_settle(reference=payout.reference, outcome="paid", source="test", amount=payout.net)
    claim.refresh_from_db()
    return claim


def paid_claim(
    participant: Participant,
    *,
    gross: int,
    tax: int,
    on: date,
    npwp: str = "",
    reason: str = "resignation",
) -> Claim:
    return pay(approved_claim(participant, gross=gross, tax=tax, npwp=npwp, reason=reason), on)
