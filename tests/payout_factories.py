"""Claims ready to approve and pay, made directly (no wizard, no demo loader): a member
with one KPJ whose contributions cover the claim, an account at the sandbox bank in the
member's name, and the claim in review."""

from __future__ import annotations

import itertools
from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from cairkan.accounts.models import MemberAccount
from cairkan.claims.models import Claim, ClaimEvent
from cairkan.integrations.models import SandboxBankAccount
from cairkan.members.models import Contribution, Employer, Membership, Participant
from cairkan.payouts.models import Payout

_serial = itertools.count(1)
NAMES = ("Rina Maulida", "Ahmad Fauzi", "Siti Rahmah", "Muhammad Rusdi", "Nur Aisyah")


def employer() -> Employer:
    found, _ = Employer.objects.get_or_create(
        registration_number="87654321",
        defaults={"name": "CV Itik Alabio", "district_code": "63.08.05"},
    )
    return found


def member(*, name: str = "", gross: int = 10_000_000, phone: bool = True) -> Participant:
    """A member whose balance is ``gross`` rupiah (one contribution, no returns yet)."""
    n = next(_serial)
    person = Participant.objects.create(
        nik=f"630805520489{n:04d}",
        full_name=name or NAMES[n % len(NAMES)],
        birth_date=date(1989, 4, 12),
        sex="F",
        mother_maiden_name="Mariam",
    )
    membership = Membership.objects.create(
        kpj=f"{n:011d}",
        participant=person,
        employer=employer(),
        start_date=date(2014, 1, 1),
        separation_date=date(2025, 6, 30),
        separation_reason="resignation",
        status="non_active",
    )
    worker = gross // 3
    Contribution.objects.create(
        membership=membership,
        period=date(2025, 5, 1),
        wage=100,
        worker_share=worker,
        employer_share=gross - worker,
        paid_on=date(2025, 6, 10),
    )
    if phone:
        user = get_user_model().objects.create_user(username=f"member{n}", password="x")
        MemberAccount.objects.create(user=user, participant=person, phone=f"+628123{n:07d}")
    return person


def bank_account(
    person: Participant, *, bank_code: str = "002", status: str = "active", fault: str = ""
) -> SandboxBankAccount:
    return SandboxBankAccount.objects.create(
        bank_code=bank_code,
        account_number=f"{person.pk:010d}{SandboxBankAccount.objects.count():02d}",
        holder_name=person.full_name.upper(),
        status=status,
        fault=fault,
    )


def claim_in_review(
    *,
    gross: int = 10_000_000,
    tax: int = 0,
    account_status: str = "active",
    fault: str = "",
    name: str = "",
    phone: bool = True,
) -> Claim:
    """An app claim an officer is assessing, for ``gross`` less ``tax``, to a sandbox
    account in the member's name (``account_status``/``fault`` script the bank)."""
    person = member(name=name, gross=gross, phone=phone)
    account = bank_account(person, status=account_status, fault=fault)
    claim = Claim.objects.create(
        participant=person,
        reason="resignation",
        channel="app",
        status="in_review",
        separation_date=date(2025, 6, 30),
        separation_date_source="employer",
        balance=gross,
        gross=gross,
        tax=tax,
        net=gross - tax,
        bank_code=account.bank_code,
        account_number=account.account_number,
        account_holder=account.holder_name,
        idempotency_key=f"k{person.pk}",
        payment_due=date(2026, 12, 1),
    )
    ClaimEvent.objects.create(claim=claim, to_status="in_review", actor="officer")
    return claim


def queued_payouts(count: int, *, first: int = 1) -> list[Payout]:
    """``count`` approved claims with their queued payouts, made in bulk: each member has
    one KPJ whose contributions cover the claim and a sandbox account in their name."""
    company = employer()
    numbers = range(first, first + count)
    people = Participant.objects.bulk_create(
        Participant(
            nik=f"6308055{n:09d}",
            full_name=f"Peserta Nomor {n}",
            birth_date=date(1989, 4, 12),
            sex="F",
            mother_maiden_name="Mariam",
        )
        for n in numbers
    )
    memberships = Membership.objects.bulk_create(
        Membership(
            kpj=f"9{n:010d}",
            participant=person,
            employer=company,
            start_date=date(2014, 1, 1),
            separation_date=date(2025, 6, 30),
            separation_reason="resignation",
            status="non_active",
        )
        for n, person in zip(numbers, people, strict=True)
    )
    gross = {n: 1_000_000 + 1_000 * (n % 997) for n in numbers}  # varied, integer rupiah
    Contribution.objects.bulk_create(
        Contribution(
            membership=m,
            period=date(2025, 5, 1),
            wage=100,
            worker_share=gross[n] // 3,
            employer_share=gross[n] - gross[n] // 3,
            paid_on=date(2025, 6, 10),
        )
        for n, m in zip(numbers, memberships, strict=True)
    )
    SandboxBankAccount.objects.bulk_create(
        SandboxBankAccount(
            bank_code="002", account_number=f"77{n:010d}", holder_name=f"PESERTA NOMOR {n}"
        )
        for n in numbers
    )
    claims = Claim.objects.bulk_create(
        Claim(
            participant=person,
            reason="resignation",
            channel="app",
            status="approved",
            separation_date=date(2025, 6, 30),
            separation_date_source="employer",
            balance=gross[n],
            gross=gross[n],
            tax=0,
            net=gross[n],
            bank_code="002",
            account_number=f"77{n:010d}",
            account_holder=f"PESERTA NOMOR {n}",
            idempotency_key=f"k{n}",
            payment_due=date(2026, 12, 1),
        )
        for n, person in zip(numbers, people, strict=True)
    )
    now = timezone.now()
    return Payout.objects.bulk_create(
        Payout(
            claim=claim,
            participant=claim.participant,
            gross=claim.gross,
            tax=claim.tax,
            net=claim.net,
            bank_code=claim.bank_code,
            account_number=claim.account_number,
            account_holder=claim.account_holder,
            next_attempt_at=now,
        )
        for claim in claims
    )
