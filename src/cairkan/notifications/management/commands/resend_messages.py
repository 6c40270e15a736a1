"""Hand messages whose attempt is due to the delivery task again: a broker that lost its
tasks, a worker that died mid-delivery, or (without a broker) a failed first attempt
leaves rows in the outbox; run it every few minutes (cron or Celery beat). Handing a
message over twice is harmless: one deliverer claims it, the others skip it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cairkan.notifications.selectors import messages_due
from cairkan.notifications.services import messages_resume_stuck
from cairkan.notifications.tasks import deliver_message


class Command(BaseCommand):
    help = (
        "Resume deliveries interrupted while sending, and hand messages whose next "
        "attempt is due to the delivery task."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        resumed = messages_resume_stuck(now=now)
        due = messages_due(now=now)
        for message_id in due:
            deliver_message.delay(message_id)
        self.stdout.write(
            f"{resumed} interrupted deliveries resumed; {len(due)} due messages handed to delivery."
        )
