"""Which days are working days: the one calendar of the whole service.

A working day is a weekday that is neither a national public holiday nor a *cuti
bersama* day (collective leave decreed each year by the joint decree of the Ministers of
Religious Affairs, Manpower and Administrative Reform; offices are closed), nor a day an
operator closed (``Closure``). The national days come from the ``holidays`` package: its
``GOVERNMENT`` category holds cuti bersama, which ``country_holidays("ID")`` alone leaves
out. Service levels (BPJS: paid within 1 or 5 working days), appointment capacity and
the face step's video calls all count on this calendar.

``for_branch`` asks about the branch office's counter, which an operator may close
alone (a renovation, a flood) while officers still take video calls and pay claims.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.db.models import Q

from cairkan.workdays.models import Closure

# Enough days to find most runs of working days in one query; longer runs look further.
_LOOKAHEAD = timedelta(days=45)


@lru_cache(maxsize=16)
def national_days_off(year: int) -> frozenset[date]:
    """Public holidays and cuti bersama of ``year`` (the package's two categories)."""
    return frozenset(
        holidays.country_holidays("ID", years=year, categories=("public", "government"))
    )


def closed_days(first: date, last: date, *, for_branch: bool = False) -> frozenset[date]:
    """Every day from ``first`` to ``last`` (inclusive) that is not a working day,
    weekends included."""
    closed = {
        day
        for year in range(first.year, last.year + 1)
        for day in national_days_off(year)
        if first <= day <= last
    }
    scopes = (
        [Closure.Scope.SERVICE, Closure.Scope.BRANCH] if for_branch else [Closure.Scope.SERVICE]
    )
    for closure in Closure.objects.filter(
        Q(first_day__lte=last) & Q(last_day__gte=first), scope__in=scopes
    ):
        day = max(closure.first_day, first)
        while day <= min(closure.last_day, last):
            closed.add(day)
            day += timedelta(days=1)
    day = first
    while day <= last:
        if day.weekday() >= 5:
            closed.add(day)
        day += timedelta(days=1)
    return frozenset(closed)


def is_working_day(day: date, *, for_branch: bool = False) -> bool:
    return day not in closed_days(day, day, for_branch=for_branch)


def working_days_from(first: date, count: int, *, for_branch: bool = False) -> list[date]:
    """The first ``count`` working days on or after ``first``."""
    found: list[date] = []
    start = first
    while len(found) < count:
        end = start + _LOOKAHEAD
        closed = closed_days(start, end, for_branch=for_branch)
        day = start
        while day <= end and len(found) < count:
            if day not in closed:
                found.append(day)
            day += timedelta(days=1)
        start = end + timedelta(days=1)
    return found


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself for 0): the day a
    service level of ``count`` working days ends."""
    if count <= 0:
        return start
    return working_days_from(start + timedelta(days=1), count)[-1]
