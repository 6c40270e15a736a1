"""Send a message to a member through an outbox.

``notify`` writes the message in the caller's transaction and, once that commits, hands
it to the ``deliver_message`` task: a claim's status change never waits for, or fails
with, the SMS or e-mail provider, and a message is never lost when the provider is down
(the task retries; ``cairkan resend-messages`` picks up any left queued). The embedded
default runs the task inline and prints messages to the log (``ConsoleSender``).
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from cairkan.notifications.models import OutboundMessage

log = structlog.get_logger(__name__)


class SenderError(Exception):
    """The provider did not take the message; worth trying again later."""


class Sender(Protocol):
    def send(self, *, channel: str, to: str, subject: str, body: str) -> str:
        """Hand the message to the provider; return its reference. Raise SenderError."""
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
    message = OutboundMessage.objects.create(channel=channel, to=to, subject=subject, body=body)
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    from cairkan.notifications.tasks import deliver_message

    deliver_message.delay(message_id)


def deliver(message_id: int) -> OutboundMessage.State:
    """Hand one queued message to the provider, at most once: the row is locked while it
    goes, and a message already sent is left alone (a task delivered twice)."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state != OutboundMessage.State.QUEUED:
            return OutboundMessage.State(message.state) if message else OutboundMessage.State.FAILED
        message.attempts += 1
        try:
            reference = sender().send(
                channel=message.channel, to=message.to, subject=message.subject, body=message.body
            )
        except SenderError as exc:
            # Recorded, not rolled back: the attempt happened.
            message.last_error = str(exc)[:200]
            message.save(update_fields=["attempts", "last_error"])
            failure: SenderError | None = exc
        else:
            failure = None
            message.state = OutboundMessage.State.SENT
            message.sent_at = timezone.now()
            message.provider_reference = reference[:100]
            message.save(update_fields=["attempts", "state", "sent_at", "provider_reference"])
    if failure is not None:
        raise failure
    return OutboundMessage.State.SENT


def give_up(message_id: int) -> None:
    OutboundMessage.objects.filter(pk=message_id, state=OutboundMessage.State.QUEUED).update(
        state=OutboundMessage.State.FAILED
    )
