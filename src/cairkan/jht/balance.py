"""How a JHT balance grows: contributions plus the yearly development return.

Cairkan's method (domain reference, Decision on returns; docs/rules.md):
- Returns are credited once a year, at the end of the year, at that year's rate, and
  compound: next year's opening balance includes them (PP 46/2015 Art. 23).
- The opening balance earns the full year's rate.
- A contribution paid in month m of the year earns the rate pro-rated for the whole
  months left after it: (12 - m)/12 — paid in January it earns 11/12, in December nothing
  that year. Contributions are counted by the day they were paid (cash basis), so a late
  payment never reopens a closed year.
- Money paid out (a withdrawal, PP 46/2015 Art. 22 and 26) leaves the balance on the day
  paid: paid in month m it stops earning for the (12 - m)/12 of the year a contribution
  of that month would earn — the same rule with the opposite sign.
- The year's return is rounded down to the rupiah, per membership.
- A year without a published rate earns nothing until the rate is entered.

Everything is integer rupiah and integer basis points; arrays are numpy int64.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from cairkan.jht.money import BASIS

IntArray = npt.NDArray[np.int64]


def rate_basis_points(rate_percent: Decimal | str) -> int:
    """5.63 (% per year) → 563 basis points, exactly."""
    points = Decimal(str(rate_percent)) * 100
    if points != points.to_integral_value():
        raise ValueError(f"rate {rate_percent}% is finer than a basis point")
    return int(points)


def months_left_after(paid_on_month: npt.ArrayLike) -> IntArray:
    """Whole months of the year left after a payment in month 1–12."""
    return 12 - np.asarray(paid_on_month, dtype=np.int64)


def yearly_return(
    opening: IntArray, weighted_contributions: IntArray, rate_points: int
) -> IntArray:
    """The return credited for one year, rounded down to the rupiah.

    ``weighted_contributions`` is Σ contribution × months_left_after(month paid), less
    Σ withdrawal × months_left_after(month paid out).
    """
    opening = np.asarray(opening, dtype=np.int64)
    weighted = np.asarray(weighted_contributions, dtype=np.int64)
    return (opening * 12 * rate_points + weighted * rate_points) // (12 * BASIS)


@dataclass(frozen=True, slots=True)
class YearLine:
    year: int
    opening: int
    contributions: int
    rate_points: int | None  # None: no rate published for that year yet
    returned: int
    closing: int
    withdrawn: int = 0


def _by_year(rows: Iterable[tuple[date, int]]) -> dict[int, tuple[int, int]]:
    """Per year: (total, Σ amount × months left after the month paid)."""
    by_year: dict[int, tuple[int, int]] = {}
    for paid_on, amount in rows:
        total, weighted = by_year.get(paid_on.year, (0, 0))
        by_year[paid_on.year] = (total + amount, weighted + amount * (12 - paid_on.month))
    return by_year


def statement_lines(
    payments: Iterable[tuple[date, int]],
    rates: Mapping[int, int],
    through_year: int,
    withdrawals: Iterable[tuple[date, int]] = (),
) -> list[YearLine]:
    """Year-by-year growth of one balance from its payments (date paid, amount), the
    withdrawals paid out of it (date paid, amount) and the rates (year → basis points),
    up to and including ``through_year``."""
    paid_in = _by_year(payments)
    paid_out = _by_year(withdrawals)
    if not paid_in:
        return []
    lines = []
    closing = 0
    for year in range(min(paid_in), through_year + 1):
        total, weighted = paid_in.get(year, (0, 0))
        out, weighted_out = paid_out.get(year, (0, 0))
        points = rates.get(year)
        returned = (
            int(yearly_return(np.array([closing]), np.array([weighted - weighted_out]), points)[0])
            if points is not None
            else 0
        )
        opening = closing
        closing = opening + total - out + returned
        lines.append(YearLine(year, opening, total, points, returned, closing, out))
    return lines
