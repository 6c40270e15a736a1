"""How a month's JHT contribution splits between worker and employer.

For wage earners it is 5.7% of the monthly wage: 2% from the worker and 3.7% from the
employer (PP 14/1993 Art. 9; PP 46/2015 Art. 16), read from the dated parameters.
Contributions are billed in whole rupiah; half a rupiah rounds up.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from cairkan.jht.money import BASIS, basis_points
from cairkan.jht.system import system


@lru_cache(maxsize=1024)
def _rates_for_month(year: int, month: int) -> tuple[int, int]:
    rates = system().parameters(f"{year:04d}-{month:02d}-01").contribution
    return basis_points(rates.worker_rate), basis_points(rates.employer_rate)


def _half_up(wage: int, points: int) -> int:
    return (2 * wage * points + BASIS) // (2 * BASIS)


def contribution_shares(wage: int, period: date) -> tuple[int, int]:
    """(worker share, employer share) in whole rupiah for one month's wage."""
    if wage < 0:
        raise ValueError("wage cannot be negative")
    worker, employer = _rates_for_month(period.year, period.month)
    return _half_up(wage, worker), _half_up(wage, employer)
