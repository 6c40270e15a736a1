"""What Cairkan sent, as the tests read it."""

from __future__ import annotations

import re

from cairkan.notifications.models import OutboundMessage


def last_code(to: str) -> str:
    """The six-digit code in the latest message to ``to``. A phone number matches on its
    last nine digits, however it was typed (0812…, +62812…)."""
    messages = (
        OutboundMessage.objects.filter(to=to)
        if "@" in to
        else (OutboundMessage.objects.filter(to__endswith=to[-9:]))
    )
    message = messages.first()
    assert message is not None, f"no message to {to}"
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None, message.body
    return found.group(1)
