"""Two-level rate limits that say when they reset, like Warehouse's.

A limit is a number of failures in a window, per scope (e.g. per account, per client
address, global). Exceeding any answers "try again at HH:MM" with the earliest time
all limits allow a new try; nothing is vague.
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


def check(limits: list[tuple[Limit, str]], now: datetime | None = None) -> None:
    """Raise ``Throttled`` if any (limit, key) has used up its failures in its window."""
    now = now or timezone.now()
    blocked: list[tuple[datetime, str]] = []
    for limit, value in limits:
        since = now - limit.window
        recent = ThrottleEvent.objects.filter(scope=limit.scope, key=_key(value), at__gt=since)
        if recent.count() >= limit.failures:
            # Free again when enough of the recent failures have aged out of the window.
            times = sorted(recent.values_list("at", flat=True))
            blocked.append((times[len(times) - limit.failures] + limit.window, limit.scope))
    if blocked:
        until, scope = max(blocked)
        raise Throttled(until, scope)


def record_failure(limits: list[tuple[Limit, str]], now: datetime | None = None) -> None:
    now = now or timezone.now()
    ThrottleEvent.objects.bulk_create(
        ThrottleEvent(scope=limit.scope, key=_key(value), at=now) for limit, value in limits
    )


def forget(limit: Limit, value: str) -> None:
    """Clear an account's failures after it succeeds (client and global stay)."""
    ThrottleEvent.objects.filter(scope=limit.scope, key=_key(value)).delete()


def prune(older_than: timedelta = timedelta(days=1)) -> int:
    oldest = timezone.now() - older_than
    deleted, _ = ThrottleEvent.objects.filter(at__lt=oldest).delete()
    return deleted
