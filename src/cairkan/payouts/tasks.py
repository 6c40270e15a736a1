"""Payout tasks: thin, they take ids; the services decide everything (services.py).

With a broker, a payout accepted by the bank is polled again after
``CAIRKAN_PAYOUT_POLL_SECONDS`` by the task that sent it, and the periodic sweep (Celery
beat, or ``cairkan payouts-sweep --loop``) catches anything whose task was lost. Without
a broker the tasks run inline after the approval commits and the sweep loop started by
``make run`` does the polling."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from cairkan.payouts.models import Payout, PayoutState
from cairkan.payouts.services import payout_poll, payout_send, payouts_send_due, payouts_sweep

# Celery's clock and the one that set the next attempt may differ a little.
CLOCK_MARGIN_S = 1.0


def _follow_up(task: object, payout: Payout | None) -> None:
    """Schedule the next look at ``payout`` (only with a broker: an inline task must not
    make a member's or an officer's request wait)."""
    if payout is None or getattr(task, "request").is_eager:  # noqa: B009
        return
    if payout.state in (PayoutState.ACCEPTED, PayoutState.UNKNOWN) and payout.next_attempt_at:
        pause = (payout.next_attempt_at - timezone.now()).total_seconds()
        poll_payout.apply_async((payout.pk,), countdown=max(pause, 0.0) + CLOCK_MARGIN_S)
    elif payout.state == PayoutState.QUEUED and payout.next_attempt_at:
        pause = (payout.next_attempt_at - timezone.now()).total_seconds()
        send_payout.apply_async((payout.pk,), countdown=max(pause, 0.0) + CLOCK_MARGIN_S)


@shared_task(bind=True, acks_late=True)
def send_payout(self, payout_id: int) -> str:  # type: ignore[no-untyped-def]
    payout = payout_send(payout_id=payout_id)
    _follow_up(self, payout)
    return payout.state if payout else "skipped"


@shared_task(bind=True, acks_late=True)
def poll_payout(self, payout_id: int) -> str:  # type: ignore[no-untyped-def]
    payout = payout_poll(payout_id=payout_id)
    _follow_up(self, payout)
    return payout.state if payout else "skipped"


@shared_task(acks_late=True)
def send_due_payouts(limit: int = 100) -> int:
    """Send a batch of due payouts (several workers take disjoint batches)."""
    return payouts_send_due(limit=limit)


@shared_task(acks_late=True)
def sweep_payouts(limit: int = 100) -> dict[str, int]:
    """The periodic pass: recover lost sends, send due payouts, poll due ones."""
    result = payouts_sweep(limit=limit)
    return {"recovered": result.recovered, "sent": result.sent, "polled": result.polled}
