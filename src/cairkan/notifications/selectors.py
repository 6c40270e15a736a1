"""Reads of the outbox."""

from __future__ import annotations

from datetime import datetime

from cairkan.notifications.models import OutboundMessage


def messages_due(*, now: datetime) -> list[int]:
    """Queued messages whose next attempt has come, oldest first."""
    return list(
        OutboundMessage.objects.filter(state=OutboundMessage.State.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )


def messages_to(*, destinations: list[str], since: datetime, limit: int) -> list[OutboundMessage]:
    """What was sent to these addresses since ``since``, newest first, without the
    messages that carried a one-time code (a member's history shows no codes)."""
    if not destinations:
        return []
    return list(
        OutboundMessage.objects.filter(
            to__in=destinations, created_at__gte=since, secret_withheld=False
        ).order_by("-created_at", "-pk")[:limit]
    )
