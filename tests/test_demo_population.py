"""The demo population: deterministic, valid, and as varied as the issue asks."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from cairkan.demo.contributions import last_paid_period, ledger
from cairkan.demo.population import generate
from cairkan.integrations.models import SandboxBankAccount, SandboxRegistryRecord
from cairkan.jht.dates import add_months, age_on
from cairkan.members.identifiers import parse_nik
from cairkan.members.models import Contribution, Membership, Participant

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def population():
    return generate(members=3000, seed=11, as_of=AS_OF)


def _db_digest() -> str:
    """A digest of everything seed-demo writes, by natural keys (not database ids)."""
    h = hashlib.sha256()
    for row in Participant.objects.order_by("nik").values_list(
        "nik", "full_name", "birth_date", "sex", "mother_maiden_name", "phone", "email"
    ):
        h.update(repr(row).encode())
    for row in Membership.objects.order_by("kpj").values_list(
        "kpj",
        "participant__nik",
        "employer__registration_number",
        "start_date",
        "separation_date",
        "separation_reason",
        "status",
        "contractual_retirement_age",
    ):
        h.update(repr(row).encode())
    for row in Contribution.objects.order_by("membership__kpj", "period").values_list(
        "membership__kpj", "period", "wage", "worker_share", "employer_share", "paid_on"
    ):
        h.update(repr(row).encode())
    for row in SandboxRegistryRecord.objects.order_by("nik").values_list(
        "nik", "full_name", "birth_date", "address", "deceased_on", "fault"
    ):
        h.update(repr(row).encode())
    for row in SandboxBankAccount.objects.order_by("bank_code", "account_number").values_list(
        "bank_code", "account_number", "holder_name", "status"
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


@pytest.mark.django_db
def test_seed_demo_is_deterministic_for_a_seed() -> None:
    args = {"members": 150, "as_of": AS_OF}
    call_command("seed_demo", seed=5, **args)
    first = _db_digest()
    call_command("seed_demo", seed=5, reset=True, **args)
    assert _db_digest() == first
    call_command("seed_demo", seed=6, reset=True, **args)
    assert _db_digest() != first


def test_generation_is_deterministic_and_seed_dependent() -> None:
    a = generate(members=200, seed=3, as_of=AS_OF)
    b = generate(members=200, seed=3, as_of=AS_OF)
    c = generate(members=200, seed=4, as_of=AS_OF)
    assert a == b
    assert [p.nik for p in a.people] != [p.nik for p in c.people]


def test_identifiers_are_valid_and_unique(population) -> None:
    niks = [p.nik for p in population.people]
    kpjs = [m.kpj for p in population.people for m in p.memberships]
    assert len(set(niks)) == len(niks) == 3000
    assert len(set(kpjs)) == len(kpjs)
    assert all(len(k) == 11 and k.isdigit() for k in kpjs)
    for person in population.people:
        parts = parse_nik(person.nik)  # raises on any impossible structure
        assert parts.sex == person.sex
        assert parts.province == "63"


def test_population_is_of_hulu_sungai_utara_and_ages_19_to_70(population) -> None:
    districts = Counter(p.district_code for p in population.people)
    assert set(districts) == {f"63.08.{n:02d}" for n in range(1, 11)}
    ages = [age_on(p.registry_birth_date, AS_OF) for p in population.people]
    assert min(ages) >= 19
    assert max(ages) <= 70
    assert sum(a >= 56 for a in ages) > 100  # elderly members are there
    niks_from_here = sum(p.nik.startswith("6308") for p in population.people)
    assert 0.8 * len(ages) < niks_from_here < len(ages)  # some moved in from elsewhere


def test_population_has_every_situation_the_issue_asks_for(population) -> None:
    people = population.people
    latest = [p.memberships[-1] for p in people]
    reasons = Counter(m.separation_reason for m in latest)
    recent = [m for m in latest if m.separation_date and (AS_OF - m.separation_date).days <= 180]
    assert reasons[""] > 0.4 * len(people)  # active members
    assert {"resignation", "termination", "retirement", "contract_end"} <= set(reasons)
    assert Counter(m.separation_reason for m in recent)["resignation"] > 50
    assert Counter(m.separation_reason for m in recent)["termination"] > 20
    assert sum(len(p.memberships) > 1 for p in people) > 0.08 * len(people)
    assert 5 <= sum(p.deceased_on is not None for p in people) < 0.02 * len(people)
    assert sum(p.registry_name != p.full_name for p in people) > 0.02 * len(people)
    statuses = Counter(a.status for p in people for a in p.bank_accounts)
    assert set(statuses) == {"active", "dormant", "closed"}
    others = sum(
        1
        for p in people
        for a in p.bank_accounts
        if p.registry_name.upper() not in a.holder_name and not a.holder_name.startswith("M. ")
    )
    assert others > 0.01 * len(people)  # accounts in someone else's name


def test_ledger_follows_the_membership_and_the_rates(population) -> None:
    person = next(
        p for p in population.people if p.memberships[-1].separation_reason == "resignation"
    )
    membership = person.memberships[-1]
    rows = list(ledger(membership, seed=population.seed, as_of=AS_OF))
    assert rows, "a resigned member has paid contributions"
    assert rows[0][0] >= membership.start_date.replace(day=1)
    assert rows[-1][0] <= membership.separation_date.replace(day=1)
    for period, wage, worker, employer, paid_on in rows:
        assert period.day == 1
        # PP 46/2015 Art. 16: 2% worker, 3.7% employer, whole rupiah, half up.
        assert worker == (wage * 20 + 500) // 1000
        assert employer == (wage * 37 + 500) // 1000
        assert period < paid_on <= AS_OF
    assert rows == list(ledger(membership, seed=population.seed, as_of=AS_OF))


def test_active_member_paid_up_to_the_last_due_month(population) -> None:
    person = next(p for p in population.people if p.memberships[-1].separation_date is None)
    rows = list(ledger(person.memberships[-1], seed=population.seed, as_of=AS_OF))
    assert rows[-1][0] == last_paid_period(AS_OF) == date(2026, 10, 1)


def test_balances_fall_on_both_sides_of_the_app_limit(population) -> None:
    totals = [
        sum(w + e for _, _, w, e, _ in ledger(m, seed=population.seed, as_of=AS_OF))
        for p in population.people[:600]
        for m in p.memberships[-1:]
    ]
    limit = 15_000_000
    assert sum(t <= limit for t in totals) > 100
    assert sum(t > limit for t in totals) > 100


def test_dates_helpers() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)
    assert age_on(date(1970, 11, 24), AS_OF) == 55
    assert age_on(date(1970, 11, 23), AS_OF) == 56
