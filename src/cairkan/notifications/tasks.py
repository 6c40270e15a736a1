"""Delivering the outbox: one task per message, retried with growing pauses."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from cairkan.notifications.gateway import SenderError, deliver, give_up

MAX_ATTEMPTS = 8  # about an hour of pauses at the default 15 s base


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, acks_late=True)
def deliver_message(self, message_id: int) -> str:  # type: ignore[no-untyped-def]
    try:
        return str(deliver(message_id))
    except SenderError as exc:
        if self.request.retries >= MAX_ATTEMPTS - 1:
            give_up(message_id)
            return "failed"
        if self.request.is_eager:
            # Without a broker the task ran inside a member's request, which must not
            # wait out the pauses: the message stays queued for `resend-messages`.
            return "queued"
        pause = settings.CAIRKAN_NOTIFICATION_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=pause) from exc
