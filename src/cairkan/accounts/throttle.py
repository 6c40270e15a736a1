"""Two-level rate limits that say when they reset, like Warehouse's.

A limit is a number of counted tries in a window, per scope (e.g. per account, per
client address, global). Exceeding any answers "try again at HH:MM" with the earliest
time all limits allow a new try; nothing is vague.

``take`` counts a try *before* it is judged and ``give_back`` returns it when the try
turns out fine: concurrent tries each see the others' rows, so a burst of parallel
guesses cannot all slip under a limit that checks first and records afterwards.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from cairkan.accounts.models import ThrottleEvent


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str
    failures: int
    window: timedelta


class Throttled(Exception):
    def __init__(self, until: datetime, scope: str) -> None:
        super().__init__(f"{scope} limited until {until.isoformat()}")
        self.until = until
        self.scope = scope


def _key(value: str) -> str:
    return hashlib.sha256(value.casefold().encode()).hexdigest()


def _free_at(limit: Limit, value: str, now: datetime, allowed: int) -> datetime | None:
    """When fewer than ``allowed`` tries are left in the window, else None."""
    recent = ThrottleEvent.objects.filter(
        scope=limit.scope, key=_key(value), at__gt=now - limit.window
    )
    if recent.count() < allowed:
        return None
    # Free again when enough of the recent tries have aged out of the window.
    times = sorted(recent.values_list("at", flat=True))
    return max(times[len(times) - allowed] + limit.window, now)


def check(limits: list[tuple[Limit, str]], now: datetime | None = None) -> None:
    """Raise ``Throttled`` if any (limit, key) has used up its tries in its window."""
    now = now or timezone.now()
    blocked = [
        (until, limit.scope)
        for limit, value in limits
        if (until := _free_at(limit, value, now, limit.failures)) is not None
    ]
    if blocked:
        until, scope = max(blocked)
        raise Throttled(until, scope)


def record_failure(limits: list[tuple[Limit, str]], now: datetime | None = None) -> None:
    now = now or timezone.now()
    ThrottleEvent.objects.bulk_create(
        ThrottleEvent(scope=limit.scope, key=_key(value), at=now) for limit, value in limits
    )


def take(limits: list[tuple[Limit, str]], now: datetime | None = None) -> list[int]:
    """Count one try under every limit now; raise ``Throttled`` (counting nothing) if that
    goes past any of them. Returns the ticket ``give_back`` takes."""
    now = now or timezone.now()
    # Written in autocommit, one row each, so a concurrent try already sees them.
    ticket = [
        ThrottleEvent.objects.create(scope=limit.scope, key=_key(value), at=now).pk
        for limit, value in limits
    ]
    blocked = [
        (until, limit.scope)
        for limit, value in limits
        if (until := _free_at(limit, value, now, limit.failures + 1)) is not None
    ]
    if blocked:
        give_back(ticket)
        until, scope = max(blocked)
        raise Throttled(until, scope)
    return ticket


def give_back(ticket: list[int]) -> None:
    """The try went well (or was never judged): it does not count."""
    ThrottleEvent.objects.filter(pk__in=ticket).delete()


def recent_count(limit: Limit, value: str, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return ThrottleEvent.objects.filter(
        scope=limit.scope, key=_key(value), at__gt=now - limit.window
    ).count()


def forget(limit: Limit, value: str) -> None:
    """Clear an account's failures after it succeeds (client and global stay)."""
    ThrottleEvent.objects.filter(scope=limit.scope, key=_key(value)).delete()


def prune(older_than: timedelta = timedelta(days=1)) -> int:
    oldest = timezone.now() - older_than
    deleted, _ = ThrottleEvent.objects.filter(at__lt=oldest).delete()
    return deleted
