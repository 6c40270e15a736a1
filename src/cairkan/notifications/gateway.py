"""Send a message to a member. The embedded default prints to the console (log)."""

from __future__ import annotations

from functools import cache
from typing import Protocol

import structlog
from django.conf import settings
from django.utils.module_loading import import_string

from cairkan.notifications.models import OutboundMessage

log = structlog.get_logger(__name__)


class Sender(Protocol):
    def send(self, *, channel: str, to: str, subject: str, body: str) -> str:
        """Hand the message to the provider; return its reference."""
        ...


class ConsoleSender:
    """Writes messages to the log instead of an SMS/WhatsApp/e-mail provider."""

    def send(self, *, channel: str, to: str, subject: str, body: str) -> str:
        log.info("notification", channel=channel, to=to, subject=subject, body=body)
        return "console"


@cache
def sender() -> Sender:
    return import_string(settings.CAIRKAN_NOTIFICATION_SENDER)()  # type: ignore[no-any-return]


def notify(*, channel: str, to: str, body: str, subject: str = "") -> OutboundMessage:
    reference = sender().send(channel=channel, to=to, subject=subject, body=body)
    return OutboundMessage.objects.create(
        channel=channel, to=to, subject=subject, body=body, provider_reference=reference
    )
