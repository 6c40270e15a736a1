"""The screening task: thin, takes an id. Without a broker it runs inline, right after
the filing commits (like cairkan.notifications.tasks)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from cairkan.screening.selectors import RegistryOutage
from cairkan.screening.services import claim_screen as screen

# A registry outage is waited out this many times, a minute apart more each time, before
# the claim goes to an officer as unconfirmed (a short outage should not fill the queue).
OUTAGE_RETRIES = 3
OUTAGE_PAUSE_S = 60


@shared_task(bind=True, acks_late=True, max_retries=OUTAGE_RETRIES)
def claim_screen(self, claim_id: int) -> str:  # type: ignore[no-untyped-def]
    # Inline (no broker) the member's request must not wait: no waiting out there.
    wait = not self.request.is_eager and self.request.retries < OUTAGE_RETRIES
    try:
        result = screen(claim_id=claim_id, wait_out_outage=wait)
    except RegistryOutage:
        raise self.retry(countdown=OUTAGE_PAUSE_S * (self.request.retries + 1)) from None
    return result.outcome if result else "skipped"


def screen_on_filing(sender: Any, *, claim_id: int, **kwargs: Any) -> None:
    """``claims.signals.claim_filed``: hand the claim to the task (a worker, or inline)."""
    claim_screen.delay(claim_id)
