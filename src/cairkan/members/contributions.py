"""How a month's JHT contribution splits between worker and employer.

For wage earners the JHT contribution is 5.7% of the monthly wage, 3.7% paid by the
employer and 2% by the worker: first under Jamsostek (PP 14/1993 Art. 9), then under
BPJS Ketenagakerjaan (PP 46/2015 Art. 16). Rates are kept with the date they took effect
so a change is a new row, not an edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True, slots=True)
class ContributionRates:
    effective_from: date
    worker: Decimal
    employer: Decimal
    source: str


RATES: tuple[ContributionRates, ...] = (
    ContributionRates(date(1993, 1, 1), Decimal("0.02"), Decimal("0.037"), "PP 14/1993 Art. 9"),
    ContributionRates(date(2015, 7, 1), Decimal("0.02"), Decimal("0.037"), "PP 46/2015 Art. 16"),
)


def rates_on(day: date) -> ContributionRates:
    applicable = [r for r in RATES if r.effective_from <= day]
    if not applicable:
        raise ValueError(f"no JHT contribution rate is known for {day:%Y-%m}")
    return max(applicable, key=lambda r: r.effective_from)


def _rupiah(amount: Decimal) -> int:
    # Contributions are billed in whole rupiah; half a rupiah rounds up.
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def contribution_shares(wage: int, period: date) -> tuple[int, int]:
    """(worker share, employer share) in whole rupiah for one month's wage."""
    if wage < 0:
        raise ValueError("wage cannot be negative")
    rates = rates_on(period)
    return _rupiah(wage * rates.worker), _rupiah(wage * rates.employer)
