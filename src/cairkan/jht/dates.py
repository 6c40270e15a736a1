"""Calendar arithmetic in whole months, for one date or a numpy array of them.

"One month after day D" is the same day of the next month, or that month's last day
when it has no such day (31 January → 28/29 February); the claim is possible on that
day (domain reference, Decision on the waiting period). Ages and anniversaries use the
same rule: a member born on 29 February reaches 56 on 28 February of a common year.
"""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import numpy.typing as npt

DateArray = npt.NDArray[np.datetime64]


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def month_start(day: date) -> date:
    return day.replace(day=1)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def add_months_array(days: DateArray, months: npt.ArrayLike) -> DateArray:
    """``add_months`` over an array of ``datetime64[D]``; ``months`` broadcasts."""
    days = days.astype("datetime64[D]")
    month_of = days.astype("datetime64[M]")
    day_index = (days - month_of.astype("datetime64[D]")).astype(np.int64)  # 0-based
    target = month_of + np.asarray(months, dtype=np.int64)
    target_start = target.astype("datetime64[D]")
    next_start = (target + np.timedelta64(1, "M")).astype("datetime64[D]")
    month_length = (next_start - target_start).astype(np.int64)
    result: DateArray = target_start + np.minimum(day_index, month_length - 1)
    return result
