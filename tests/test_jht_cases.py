"""parse_case: every kind of bad input is named by field, all at once."""

from __future__ import annotations

from typing import Any

import pytest

from cairkan.jht import InvalidCase, Reason, parse_case

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
    case = parse_case(GOOD)
    assert case.reason is Reason.RESIGNATION
    assert case.balance == 7_500_000
    assert case.prior_payouts[0].gross == 500_000


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
