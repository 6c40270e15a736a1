"""Delivering the outbox: one task per message. The message's own attempts decide when
to give up (cairkan.notifications.services); the task only waits out the pauses."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from cairkan.notifications.models import OutboundMessage
from cairkan.notifications.services import message_deliver

# Celery's clock and the one that set the next attempt may differ a little.
CLOCK_MARGIN_S = 1.0


@shared_task(bind=True, max_retries=None, acks_late=True)
def deliver_message(self, message_id: int) -> str:  # type: ignore[no-untyped-def]
    message = message_deliver(message_id=message_id)
    if message is None:
        return "skipped"  # another deliverer has it, it is not due, or it is done
    if message.state == OutboundMessage.State.QUEUED and not self.request.is_eager:
        # Only the task that made the attempt waits for the next one. Without a broker
        # the task ran inside a member's request, which must not wait out the pause:
        # the message waits in the outbox for `resend-messages`.
        pause = (message.next_attempt_at - timezone.now()).total_seconds()
        raise self.retry(countdown=max(pause, 0.0) + CLOCK_MARGIN_S)
    return str(message.state)
