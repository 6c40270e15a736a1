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
