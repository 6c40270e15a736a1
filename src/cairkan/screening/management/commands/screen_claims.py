"""Hand every filed claim that was never screened to the screening task again: the
filing's own hand-over can be lost (no broker, a worker killed, a screening that
failed). Run it every few minutes (cron or Celery beat); screening a filing twice is
harmless: the second finds the first's result and does nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cairkan.screening.selectors import claims_awaiting_screening
from cairkan.screening.tasks import claim_screen


class Command(BaseCommand):
    help = "Screen filed claims whose screening never ran."

    def handle(self, *args: Any, **options: Any) -> None:
        waiting = claims_awaiting_screening()
        for claim_id in waiting:
            claim_screen.delay(claim_id)
        self.stdout.write(f"{len(waiting)} claims handed to screening.")
