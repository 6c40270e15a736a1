"""Write a generated population into the database, fast enough for 100 000 members.

People, memberships and sandbox records go through ``bulk_create``. The contribution
ledger (about 120 rows per member) is streamed: PostgreSQL takes it through ``COPY``,
SQLite through ``executemany`` in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction

from cairkan.accounts.models import MemberAccount, OneTimeCode, Registration
from cairkan.audit.services import audit_record
from cairkan.biometrics.models import (
    DeskCheck,
    FaceAttempt,
    FaceEnrolment,
    FaceEvent,
    FaceReview,
    FaceStep,
    LivenessChallenge,
    UnlockBooking,
)
from cairkan.claims.models import (
    Appointment,
    Claim,
    Claimant,
    ClaimDraft,
    ClaimEvent,
    DocumentUpload,
)
from cairkan.demo.contributions import ledger
from cairkan.demo.heirs import heirs_load
from cairkan.demo.reference import ILLUSTRATIVE_RETURN_RATES, KNOWN_RETURN_RATES
from cairkan.demo.specs import Population
from cairkan.integrations.models import (
    SandboxBankAccount,
    SandboxRegistryRecord,
    SandboxTransfer,
)
from cairkan.members.models import (
    Contribution,
    Employer,
    MemberDataEvent,
    Membership,
    Participant,
    ReturnCredit,
    ReturnRate,
    Withdrawal,
    WithdrawalPart,
)
from cairkan.members.returns import credit_returns
from cairkan.payouts.models import Payout, PayoutEvent
from cairkan.screening.models import ScreeningResult

BATCH = 5000
# membership_id, period, wage, worker_share, employer_share, paid_on (dates as ISO text)
ContributionDbRow = tuple[int, str, int, int, int, str]
_CONTRIBUTION_COLUMNS = (
    "membership_id",
    "period",
    "wage",
    "worker_share",
    "employer_share",
    "paid_on",
)


@dataclass
class LoadSummary:
    participants: int = 0
    memberships: int = 0
    employers: int = 0
    contributions: int = 0
    registry_records: int = 0
    bank_accounts: int = 0
    contributed_by_person: dict[str, int] = field(default_factory=dict)


def has_demo_data() -> bool:
    return Participant.objects.exists()


# What hangs off a demo member, children first: audit records are protected from
# deletion in normal life, but a demo reset is meant to start from nothing.
MEMBER_DEPENDENTS: tuple[type[models.Model], ...] = (
    WithdrawalPart,
    Withdrawal,
    PayoutEvent,
    Payout,
    ScreeningResult,
    Appointment,
    ClaimEvent,
    DocumentUpload,
    Claimant,
    Claim,
    ClaimDraft,
    FaceEvent,
    DeskCheck,
    UnlockBooking,
    FaceReview,
    FaceAttempt,
    LivenessChallenge,
    FaceStep,
    FaceEnrolment,
    OneTimeCode,
    Registration,
    MemberDataEvent,
)


def clear() -> None:
    """Remove every member record and every sandbox record, with the accounts, claims
    and face records of the demo members (the back-office users stay)."""
    with transaction.atomic():
        # The officers' work on demo claims (the back office sits beside the demo in the
        # layers, so its models are looked up by name, not imported).
        for name in ("ReviewEvent", "ClaimReview"):
            apps.get_model("backoffice", name)._default_manager.all().delete()
        for model in MEMBER_DEPENDENTS:
            model._default_manager.all().delete()
        member_users = list(MemberAccount.objects.values_list("user_id", flat=True))
        MemberAccount.objects.all().delete()
        get_user_model().objects.filter(pk__in=member_users).delete()
        members_and_sandboxes: tuple[type[models.Model], ...] = (
            ReturnCredit,
            Contribution,
            Membership,
            Participant,
            Employer,
            ReturnRate,
            SandboxTransfer,
            SandboxBankAccount,
            SandboxRegistryRecord,
        )
        for model in members_and_sandboxes:
            model._default_manager.all().delete()
        # The trail itself stays: it is append-only, and says that the reset happened.
        audit_record(
            actor_kind="system",
            action="demo.clear",
            subject=("demo.population", "all"),
            why="demo data removed by cairkan seed-demo --reset",
        )


def load(population: Population) -> LoadSummary:
    summary = LoadSummary()
    with transaction.atomic():
        employers = Employer.objects.bulk_create(
            [
                Employer(
                    registration_number=e.registration_number,
                    name=e.name,
                    district_code=e.district_code,
                    sector=e.sector,
                )
                for e in population.employers
            ],
            batch_size=BATCH,
        )
        summary.employers = len(employers)
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    nik=p.nik,
                    full_name=p.full_name,
                    birth_date=p.birth_date,
                    sex=p.sex,
                    mother_maiden_name=p.mother_maiden_name,
                    phone=p.phone,
                    email=p.email,
                )
                for p in population.people
            ],
            batch_size=BATCH,
        )
        summary.participants = len(participants)
        membership_rows = [
            Membership(
                kpj=m.kpj,
                participant_id=participant.pk,
                employer_id=employers[m.employer].pk,
                start_date=m.start_date,
                separation_date=m.separation_date,
                separation_reason=m.separation_reason,
                status=m.status,
                contractual_retirement_age=m.contractual_retirement_age,
            )
            for person, participant in zip(population.people, participants, strict=True)
            for m in person.memberships
        ]
        memberships = Membership.objects.bulk_create(membership_rows, batch_size=BATCH)
        summary.memberships = len(memberships)
        SandboxRegistryRecord.objects.bulk_create(
            [
                SandboxRegistryRecord(
                    nik=p.nik,
                    full_name=p.registry_name or p.full_name,
                    birth_date=p.registry_birth_date or p.birth_date,
                    birthplace=p.birthplace,
                    sex=p.sex,
                    address=p.address,
                    district_code=p.district_code,
                    deceased_on=p.deceased_on,
                    fault=p.registry_fault,
                )
                for p in population.people
            ],
            batch_size=BATCH,
        )
        summary.registry_records = len(population.people)
        accounts = [
            SandboxBankAccount(
                bank_code=a.bank_code,
                account_number=a.account_number,
                holder_name=a.holder_name,
                status=a.status,
                fault=a.fault,
            )
            for p in population.people
            for a in p.bank_accounts
        ]
        SandboxBankAccount.objects.bulk_create(accounts, batch_size=BATCH, ignore_conflicts=True)
        summary.bank_accounts = SandboxBankAccount.objects.count()
        ReturnRate.objects.bulk_create(_return_rates(population.as_of), ignore_conflicts=True)
        heirs_load()  # the deceased persona's heirs (registry and bank only)

        kpj_to_id = {m.kpj: m.pk for m in memberships}
        owner = {m.kpj: p.nik for p in population.people for m in p.memberships}
        summary.contributions = _write_contributions(
            _ledger_rows(population, kpj_to_id, owner, summary.contributed_by_person)
        )
        # Member data appears here without a service per row: the load itself is audited.
        audit_record(
            actor_kind="system",
            action="demo.load",
            subject=("demo.population", population.seed),
            after={
                "as_of": population.as_of,
                "participants": summary.participants,
                "memberships": summary.memberships,
                "contributions": summary.contributions,
            },
            why="demo population loaded by cairkan seed-demo",
        )
    _analyze()
    return summary


def _analyze() -> None:
    """Give the query planner statistics after a bulk load; without them PostgreSQL
    plans the first hours of queries on a freshly loaded ledger badly."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def credit_past_returns(as_of: date) -> list[int]:
    """Credit every finished year's return, oldest first, as an operator would have."""
    first = Contribution.objects.order_by("paid_on").values_list("paid_on", flat=True).first()
    if first is None:
        return []
    years = list(range(first.year, as_of.year))
    for year in years:
        credit_returns(year=year, today=as_of)
    return years


def _return_rates(as_of: date) -> list[ReturnRate]:
    rates = []
    for year in range(min(ILLUSTRATIVE_RETURN_RATES), as_of.year):
        if year in KNOWN_RETURN_RATES:
            rates.append(
                ReturnRate(
                    year=year,
                    rate_percent=KNOWN_RETURN_RATES[year],
                    source="Credited rate reported publicly",
                )
            )
        elif year in ILLUSTRATIVE_RETURN_RATES:
            rates.append(
                ReturnRate(
                    year=year,
                    rate_percent=ILLUSTRATIVE_RETURN_RATES[year],
                    source="Illustrative demo value, not an official rate",
                    illustrative=True,
                )
            )
    return rates


def _ledger_rows(
    population: Population, kpj_to_id: dict[str, int], owner: dict[str, str], totals: dict[str, int]
) -> Iterator[ContributionDbRow]:
    for person in population.people:
        for membership in person.memberships:
            membership_id = kpj_to_id[membership.kpj]
            for period, wage, worker, employer, paid_on in ledger(
                membership, seed=population.seed, as_of=population.as_of
            ):
                totals[owner[membership.kpj]] = (
                    totals.get(owner[membership.kpj], 0) + worker + employer
                )
                yield membership_id, period.isoformat(), wage, worker, employer, paid_on.isoformat()


def _write_contributions(rows: Iterable[ContributionDbRow]) -> int:
    table = Contribution._meta.db_table
    columns = ", ".join(_CONTRIBUTION_COLUMNS)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        placeholders = ", ".join(["%s"] * len(_CONTRIBUTION_COLUMNS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        iterator = iter(rows)
        while chunk := list(islice(iterator, 20_000)):
            cursor.executemany(sql, chunk)
            written += len(chunk)
    return written
