"""parse_case: every kind of bad input is named by field, all at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cairkan.jht import Case, InvalidCase, PriorPayout, Reason, parse_case

GOOD: dict[str, Any] = {
    "as_of": "2026-11-23",
    "reason": "resignation",
    "birth_date": "1997-08-21",
    "retirement_age": None,
    "membership_start": "2023-09-01",
    "membership_active": False,
    "separation_date": "2026-10-09",
    "balance": 7_500_000,
    "has_npwp": False,
    "prior_payouts": [{"date": "2025-01-10", "reason": "partial_10", "gross": 500_000}],
}


def errors_for(**changes: Any) -> dict[str, str]:
    data = {**GOOD, **changes}
    for name in [k for k, v in changes.items() if v is ...]:
        del data[name]
    with pytest.raises(InvalidCase) as info:
        parse_case(data)
    return {e.field: e.message for e in info.value.errors}


def test_a_good_case_parses() -> None:
    assert parse_case(GOOD) == Case(
        as_of=date(2026, 11, 23),
        reason=Reason.RESIGNATION,
        birth_date=date(1997, 8, 21),
        retirement_age=None,
        membership_start=date(2023, 9, 1),
        membership_active=False,
        separation_date=date(2026, 10, 9),
        balance=7_500_000,
        has_npwp=False,
        prior_payouts=(PriorPayout(date(2025, 1, 10), Reason.PARTIAL_10, 500_000),),
    )
    assert parse_case({**GOOD, "retirement_age": 58, "has_npwp": True}).retirement_age == 58


# Each date and age rule on its edge: the edge day is accepted, the day past it is refused
# (the mutation check found these boundaries untested in process).
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {
                "as_of": "2022-04-26",
                "membership_start": "2021-01-01",
                "separation_date": "2022-01-01",
                "prior_payouts": [],
            },
            None,
        ),
        (
            {
                "as_of": "2022-04-25",
                "membership_start": "2021-01-01",
                "separation_date": "2022-01-01",
                "prior_payouts": [],
            },
            "as_of",
        ),
        (
            {
                "birth_date": "2026-11-22",
                "membership_start": "2026-11-22",
                "separation_date": "2026-11-22",
            },
            None,
        ),
        (
            {
                "birth_date": "2026-11-23",
                "membership_start": "2026-11-23",
                "separation_date": "2026-11-23",
            },
            "birth_date",
        ),
        ({"birth_date": "1906-01-01", "membership_start": "1990-01-01"}, None),
        ({"birth_date": "1905-12-31", "membership_start": "1990-01-01"}, "birth_date"),
        ({"membership_start": "1997-08-21"}, None),
        ({"membership_start": "1997-08-20"}, "membership_start"),
        ({"membership_start": "2026-11-23", "separation_date": "2026-11-23"}, None),
        ({"membership_start": "2026-11-24", "separation_date": "2026-11-24"}, "membership_start"),
        ({"separation_date": "2023-09-01"}, None),
        ({"separation_date": "2023-08-31"}, "separation_date"),
        ({"reason": "retirement", "separation_date": None}, None),
        ({"retirement_age": 40}, None),
        ({"retirement_age": 70}, None),
        ({"retirement_age": 39}, "retirement_age"),
        ({"retirement_age": 71}, "retirement_age"),
        ({"retirement_age": True}, "retirement_age"),
        ({"balance": 0}, None),
        ({"prior_payouts": [{"date": "2026-11-23", "reason": "partial_10", "gross": 1}]}, None),
        (
            {"prior_payouts": [{"date": "2026-11-24", "reason": "partial_10", "gross": 1}]},
            "prior_payouts[0].date",
        ),
        ({"as_of": "20261123"}, "as_of"),  # a real date, but not written YYYY-MM-DD
        ({"birth_date": "1997-02-30"}, "birth_date"),
        ({"membership_start": "2023-02-30"}, "membership_start"),
        ({"separation_date": "2026-02-30"}, "separation_date"),
        ({"membership_active": None}, "membership_active"),
        (
            {"prior_payouts": [{"date": "2025-01-10", "reason": "quit", "gross": 1}]},
            "prior_payouts[0].reason",
        ),
    ],
)
def test_each_date_rule_on_its_edge(changes: dict[str, Any], field: str | None) -> None:
    if field is None:
        parse_case({**GOOD, **changes})
    else:
        assert set(errors_for(**changes)) == {field}


def test_prior_payouts_come_out_in_date_order() -> None:
    payouts = [
        {"date": "2025-06-01", "reason": "partial_10", "gross": 2},
        {"date": "2024-01-01", "reason": "retirement", "gross": 1},
    ]
    case = parse_case({**GOOD, "prior_payouts": payouts})
    assert [(p.date, p.reason, p.gross) for p in case.prior_payouts] == [
        (date(2024, 1, 1), Reason.RETIREMENT, 1),
        (date(2025, 6, 1), Reason.PARTIAL_10, 2),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"balance": ...}, "balance", "is missing"),
        ({"separation_date": ...}, "separation_date", "use null"),
        ({"balanse": 1}, "balanse", "not a known field"),
        ({"reason": "quit"}, "reason", "unknown reason 'quit'"),
        ({"as_of": "2026-02-30"}, "as_of", "not a real date"),
        ({"as_of": "23/11/2026"}, "as_of", "not a real date"),
        ({"as_of": 20261123}, "as_of", "YYYY-MM-DD, not a number"),
        ({"as_of": "2021-01-01"}, "as_of", "not modelled"),
        ({"birth_date": "2027-01-01"}, "birth_date", "before as_of"),
        (
            {"birth_date": "1890-01-01", "membership_start": "1990-01-01"},
            "birth_date",
            "older than 120",
        ),
        ({"membership_start": "1990-01-01"}, "membership_start", "before birth_date"),
        ({"membership_start": "2027-01-01"}, "membership_start", "after as_of"),
        ({"separation_date": None}, "separation_date", "required for reason resignation"),
        ({"separation_date": "2020-01-01"}, "separation_date", "before membership_start"),
        ({"membership_active": "no"}, "membership_active", "true or false"),
        ({"has_npwp": 1}, "has_npwp", "true or false"),
        ({"balance": 1.5}, "balance", "decimal number 1.5"),
        ({"balance": "7500000"}, "balance", "whole number of rupiah"),
        ({"balance": True}, "balance", "whole number of rupiah"),
        ({"balance": -1}, "balance", "cannot be negative"),
        ({"retirement_age": 99}, "retirement_age", "40 to 70"),
        ({"retirement_age": "56"}, "retirement_age", "40 to 70"),
        ({"prior_payouts": {}}, "prior_payouts", "must be a list"),
        ({"prior_payouts": [{"date": "2025-01-01"}]}, "prior_payouts[0]", "exactly"),
        (
            {"prior_payouts": [{"date": "2027-01-01", "reason": "partial_10", "gross": 1}]},
            "prior_payouts[0].date",
            "after as_of",
        ),
        (
            {"prior_payouts": [{"date": "2025-01-01", "reason": "partial_10", "gross": 0}]},
            "prior_payouts[0].gross",
            "more than 0",
        ),
    ],
)
def test_bad_input_names_the_field(changes: dict[str, Any], field: str, fragment: str) -> None:
    errors = errors_for(**changes)
    assert field in errors, errors
    assert fragment in errors[field]


def test_all_problems_are_reported_together() -> None:
    errors = errors_for(reason="quit", balance=-5, has_npwp="yes")
    assert set(errors) == {"reason", "balance", "has_npwp"}


def test_not_an_object() -> None:
    with pytest.raises(InvalidCase) as info:
        parse_case([1, 2], prefix="[3].")
    assert info.value.errors[0].field == "[3]"


def test_every_bad_prior_payout_is_named() -> None:
    payouts = [
        {"date": "2025-01-01"},
        {"date": "2025-02-30", "reason": "partial_10", "gross": 1},
    ]
    errors = errors_for(prior_payouts=payouts)
    assert set(errors) == {"prior_payouts[0]", "prior_payouts[1].date"}
