"""How long what Cairkan sent is kept (docs/retention.md).

The row (to whom, which channel, when, delivered or not) is the audit trail and stays;
the body, which may name the member, their claim and amounts, is cleared once the
message is delivered or given up and support no longer needs to read it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cairkan.notifications.models import OutboundMessage

BODY_KEPT = timedelta(days=30)
REDACTED = f"[removed after {BODY_KEPT.days} days: docs/retention.md]"


def prune(*, now: datetime) -> dict[str, int]:
    finished = [OutboundMessage.State.SENT, OutboundMessage.State.FAILED]
    return {
        "message bodies cleared": OutboundMessage.objects.filter(
            state__in=finished, created_at__lt=now - BODY_KEPT
        )
        .exclude(body=REDACTED)
        .update(body=REDACTED)
    }
