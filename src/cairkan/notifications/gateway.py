"""Send a message to a member through an outbox.

``notify`` writes the message in the caller's transaction and, once that commits, hands
it to the ``deliver_message`` task: a claim's status change never waits for, or fails
with, the SMS or e-mail provider, and a message is never lost when the provider is down
(the message's own attempts are retried on a ladder; ``cairkan resend-messages`` picks
up any whose attempt is due). The embedded default runs the task inline and shows
messages in the development log (``ConsoleSender``).

A one-time code is stored masked and given to the provider by the process that made it,
right after commit, never through the broker: see ``notify``'s ``secret``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cairkan.notifications.models import CODE_MASK, OutboundMessage
from cairkan.notifications.services import FIRST_DELIVERY_GRACE, message_deliver
from cairkan.notifications.tasks import deliver_message

__all__ = ["CODE_MASK", "notify"]


def notify(
    *, channel: str, to: str, body: str, subject: str = "", secret: str | None = None
) -> OutboundMessage:
    """Queue a message; it goes once the caller's transaction commits.

    With ``secret`` (a one-time code), ``body`` carries ``CODE_MASK`` where the code
    goes: the outbox stores only that masked text, and the provider receives the real
    code from this process's memory. Such a message gets one attempt: if the provider
    fails, the member asks for a new code (a code lives five minutes anyway)."""
    if secret is not None and CODE_MASK not in body:
        raise ValueError("a message with a secret must show CODE_MASK where it goes")
    message = OutboundMessage.objects.create(
        channel=channel,
        to=to,
        subject=subject,
        body=body,
        secret_withheld=secret is not None,
        next_attempt_at=timezone.now() + FIRST_DELIVERY_GRACE,
    )
    if secret is None:
        transaction.on_commit(lambda: deliver_message.delay(message.pk))
    else:
        transaction.on_commit(lambda: _deliver_code(message.pk, secret))
    return message


def _deliver_code(message_id: int, secret: str) -> None:
    message_deliver(message_id=message_id, secret=secret)
