"""credit-returns: set-based results equal the pure method member by member; idempotent;
refuses what would be wrong. Balances agree for one participant and for everyone."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cairkan.jht.balance import rate_basis_points, statement_lines
from cairkan.members.balances import balances_on, participant_balance
from cairkan.members.models import Contribution, Participant, ReturnCredit, ReturnRate
from cairkan.members.returns import ReturnsError, credit_returns

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)


@pytest.fixture
def population() -> None:
    call_command("seed_demo", members=40, seed=3, as_of=AS_OF)


def _credited() -> dict[tuple[int, int], tuple[int, int, int, int]]:
    return {
        (c.membership_id, c.year): (c.opening_balance, c.contributions, c.amount, c.closing_balance)
        for c in ReturnCredit.objects.all()
    }


def _expected_by_pure_method(rates: dict[int, int]) -> dict[tuple[int, int], tuple]:
    payments: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for m, paid_on, w, e in Contribution.objects.values_list(
        "membership_id", "paid_on", "worker_share", "employer_share"
    ):
        payments[m].append((paid_on, w + e))
    expected = {}
    for membership, rows in payments.items():
        for line in statement_lines(rows, rates, through_year=AS_OF.year - 1):
            if line.rate_points is not None:
                expected[(membership, line.year)] = (
                    line.opening,
                    line.contributions,
                    line.returned,
                    line.closing,
                )
    return expected


def _rates() -> dict[int, int]:
    return {r.year: rate_basis_points(r.rate_percent) for r in ReturnRate.objects.all()}


def test_every_credit_equals_the_pure_method(population) -> None:
    credited = _credited()
    assert len(credited) > 300
    assert credited == _expected_by_pure_method(_rates())


def test_crediting_twice_changes_nothing(population) -> None:
    before = _credited()
    summary = credit_returns(year=2025, today=AS_OF)
    assert (summary.credited, summary.total_returned) == (0, 0)
    assert summary.already_credited == ReturnCredit.objects.filter(year=2025).count() > 0
    assert _credited() == before


def test_a_deleted_year_is_credited_again_identically(population) -> None:
    before = _credited()
    ReturnCredit.objects.filter(year=2025).delete()
    summary = credit_returns(year=2025, today=AS_OF)
    assert summary.credited > 0 and summary.total_returned > 0
    assert _credited() == before


def test_a_year_without_a_rate_earns_nothing_and_the_next_builds_on_it(population) -> None:
    ReturnCredit.objects.filter(year__gte=2024).delete()
    ReturnRate.objects.filter(year=2024).delete()
    credit_returns(year=2025, today=AS_OF)  # opening falls back to paid + credited before
    assert not ReturnCredit.objects.filter(year=2024).exists()
    assert _credited() == _expected_by_pure_method(_rates())


@pytest.mark.parametrize(
    ("prepare", "year", "message"),
    [
        (None, 2026, "has not ended yet"),
        ("drop_rate", 2025, "No development-return rate for 2025"),
        ("drop_2024", 2025, "Credit the earlier years first: 2024"),
    ],
)
def test_refuses_what_would_be_wrong(population, prepare, year, message) -> None:
    if prepare == "drop_rate":
        ReturnCredit.objects.filter(year=2025).delete()
        ReturnRate.objects.filter(year=2025).delete()
    if prepare == "drop_2024":
        ReturnCredit.objects.filter(year__gte=2024).delete()
    before = _credited()
    with pytest.raises(ReturnsError, match=message):
        credit_returns(year=year, today=AS_OF)
    assert _credited() == before


def test_command_reports_and_fails_clearly(population, capsys) -> None:
    call_command("credit_returns", year=2025)
    assert "were already credited" in capsys.readouterr().out
    with pytest.raises(CommandError, match="has not ended yet") as error:
        call_command("credit_returns", year=date.today().year)
    assert error.value.returncode == 2


def test_balance_of_one_and_of_everyone_agree(population) -> None:
    everyone = balances_on(AS_OF)
    participants = list(Participant.objects.all())
    assert len(everyone) == len(participants)
    for participant in participants:
        assert everyone[participant.pk] == participant_balance(participant=participant, as_of=AS_OF)


def test_balance_is_last_closing_plus_this_years_payments(population) -> None:
    rina = Participant.objects.get(nik="6308056108979001")
    closing = sum(
        c.closing_balance
        for c in ReturnCredit.objects.filter(membership__participant=rina, year=2025)
    )
    this_year = sum(
        c.worker_share + c.employer_share
        for c in Contribution.objects.filter(membership__participant=rina, paid_on__year=2026)
    )
    assert participant_balance(participant=rina, as_of=AS_OF) == closing + this_year
    # Rina is the persona whose claim fits the app: within the Rp 15 juta limit.
    assert 0 < closing + this_year <= 15_000_000
