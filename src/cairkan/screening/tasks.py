"""The screening task: thin, takes an id. Without a broker it runs inline, right after
the filing commits (like cairkan.notifications.tasks)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from cairkan.screening.services import claim_screen as screen


@shared_task(acks_late=True)
def claim_screen(claim_id: int) -> str:
    result = screen(claim_id=claim_id)
    return result.outcome if result else "skipped"


def screen_on_filing(sender: Any, *, claim_id: int, **kwargs: Any) -> None:
    """``claims.signals.claim_filed``: hand the claim to the task (a worker, or inline)."""
    claim_screen.delay(claim_id)
