"""Hand queued messages to the delivery task again: a broker that lost its tasks, or a
worker that died mid-delivery, leaves rows queued in the outbox; run it every few
minutes (cron or Celery beat). Delivering twice is harmless (the task skips sent rows)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cairkan.notifications.models import OutboundMessage
from cairkan.notifications.tasks import deliver_message


class Command(BaseCommand):
    help = "Hand messages still queued after --older-than minutes to the delivery task again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, default=5, metavar="MINUTES")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(minutes=options["older_than"])
        queued = list(
            OutboundMessage.objects.filter(
                state=OutboundMessage.State.QUEUED, created_at__lt=cutoff
            ).values_list("pk", flat=True)
        )
        for message_id in queued:
            deliver_message.delay(message_id)
        self.stdout.write(f"{len(queued)} queued messages handed to delivery again.")
