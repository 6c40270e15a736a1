"""The monthly contribution ledger of one demo membership.

Each KPJ draws from its own random stream seeded by (seed, KPJ), so the ledger is the
same whatever order memberships are generated or loaded in.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from cairkan.demo.reference import wage_floor
from cairkan.demo.specs import MembershipSpec
from cairkan.jht.contributions import contribution_shares
from cairkan.jht.dates import add_months, month_start

ContributionRow = tuple[date, int, int, int, date]  # period, wage, worker, employer, paid_on


def last_paid_period(as_of: date) -> date:
    """The latest month an employer has paid for by ``as_of``: due by the 15th of the next month."""
    months_back = 1 if as_of.day > 15 else 2
    return add_months(month_start(as_of), -months_back)


def ledger(membership: MembershipSpec, *, seed: int, as_of: date) -> Iterator[ContributionRow]:
    rng = random.Random(f"{seed}:{membership.kpj}")
    first = month_start(membership.start_date)
    last = last_paid_period(as_of)
    if membership.separation_date is not None:
        last = min(last, month_start(membership.separation_date))
    # Some employers fall into arrears for a few months (BPJS still pays the claim and
    # collects from the employer later); the ledger then has a gap.
    gap_start: date | None = None
    gap_months = 0
    if rng.random() < 0.06:
        span = (last.year - first.year) * 12 + last.month - first.month
        if span > 12:
            gap_start = add_months(first, rng.randrange(1, span - 6))
            gap_months = rng.randint(1, 6)
    permille = membership.wage_permille
    period = first
    year = -1
    wage = worker = employer = 0
    while period <= last:
        if period.year != year:
            if year != -1:
                permille += rng.randint(0, 40)  # a little above the minimum each year
            year = period.year
            wage = wage_floor(year) * permille // 1000 // 1000 * 1000
            worker, employer = contribution_shares(wage, period)
        in_gap = gap_start is not None and gap_start <= period < add_months(gap_start, gap_months)
        if not in_gap:
            late = rng.random() < 0.08
            paid_on = add_months(period, 1).replace(
                day=rng.randint(16, 28) if late else rng.randint(5, 15)
            )
            paid_on = min(paid_on, as_of)
            yield period, wage, worker, employer, paid_on
        period = add_months(period, 1)
