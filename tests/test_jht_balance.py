"""The balance method, worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from cairkan.jht.balance import (
    months_left_after,
    rate_basis_points,
    statement_lines,
    yearly_return,
)


def test_rates_become_exact_basis_points() -> None:
    assert rate_basis_points(Decimal("5.63")) == 563
    assert rate_basis_points("7.19") == 719
    with pytest.raises(ValueError, match="finer"):
        rate_basis_points("5.625")


def test_opening_earns_the_full_year_and_contributions_the_months_left() -> None:
    # 10 000 000 × 5% = 500 000; 1 200 000 paid in March earns 5% × 9/12 = 45 000.
    weighted = np.array([1_200_000 * 9])
    assert yearly_return(np.array([10_000_000]), weighted, 500).tolist() == [545_000]


def test_return_is_rounded_down_to_the_rupiah() -> None:
    # 333 × 5.63% = 18.7479 → 18
    assert yearly_return(np.array([333]), np.array([0]), 563).tolist() == [18]


def test_december_payment_earns_nothing_that_year() -> None:
    # The month weights come from the method, not from the test: January 11/12, November
    # 1/12, December nothing.
    assert months_left_after([1, 11, 12]).tolist() == [11, 1, 0]
    lines = statement_lines(
        [(date(2025, 11, 10), 1_200_000), (date(2025, 12, 10), 1_000_000)],
        {2025: 600},
        through_year=2025,
    )
    # 1 200 000 × 6% × 1/12 = 6 000 for November; December's 1 000 000 adds nothing.
    assert [(y.contributions, y.returned, y.closing) for y in lines] == [
        (2_200_000, 6_000, 2_206_000)
    ]


def test_a_withdrawal_stops_earning_from_the_month_paid() -> None:
    # 12 000 000 opening at 6% = 720 000; 6 000 000 paid out in April loses 6% × 8/12 of
    # it = 240 000: 480 000 credited, closing 12 000 000 - 6 000 000 + 480 000.
    lines = statement_lines(
        [(date(2024, 1, 10), 12_000_000)],
        {2024: 0, 2025: 600},
        through_year=2025,
        withdrawals=[(date(2025, 4, 20), 6_000_000)],
    )
    assert [(y.year, y.opening, y.withdrawn, y.returned, y.closing) for y in lines] == [
        (2024, 0, 0, 0, 12_000_000),
        (2025, 12_000_000, 6_000_000, 480_000, 6_480_000),
    ]


def test_statement_compounds_and_skips_years_without_a_rate() -> None:
    payments = [
        (date(2023, 1, 15), 1_200_000),
        (date(2023, 12, 10), 100_000),
        (date(2025, 7, 1), 600_000),
    ]
    lines = statement_lines(payments, {2023: 600, 2024: 500}, through_year=2025)
    assert [(y.year, y.opening, y.contributions, y.returned, y.closing) for y in lines] == [
        # 1 200 000 × 6% × 11/12 = 66 000; December's 100 000 earns 0
        (2023, 0, 1_300_000, 66_000, 1_366_000),
        # 1 366 000 × 5% = 68 300
        (2024, 1_366_000, 0, 68_300, 1_434_300),
        # no rate for 2025 yet: nothing credited
        (2025, 1_434_300, 600_000, 0, 2_034_300),
    ]
    assert lines[-1].rate_points is None


def test_no_payments_no_lines() -> None:
    assert statement_lines([], {2020: 563}, 2025) == []
