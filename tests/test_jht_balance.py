"""The balance method, worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from cairkan.jht.balance import rate_basis_points, statement_lines, yearly_return


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
    assert yearly_return(np.array([0]), np.array([1_000_000 * 0]), 600).tolist() == [0]


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
