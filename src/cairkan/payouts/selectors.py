"""Reading payouts: what is due, what goes in a bank's bulk file, a claim's payout."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from cairkan.claims.models import Claim
from cairkan.payouts.models import Payout, PayoutState


def payouts_due(limit: int, *, now: datetime | None = None) -> list[Payout]:
    """Payouts a worker should act on now, oldest first: queued ones whose attempt is
    due (send), accepted or unknown ones whose inquiry is due (poll). Read only: sending
    takes its own lease (``services.payouts_lease_due``)."""
    now = now or timezone.now()
    return list(
        Payout.objects.filter(
            state__in=[PayoutState.QUEUED, PayoutState.ACCEPTED, PayoutState.UNKNOWN],
            next_attempt_at__lte=now,
        ).order_by("pk")[:limit]
    )


def payouts_for_bulk_file(*, bank_code: str, day: date) -> QuerySet[Payout]:
    """The queued payouts to ``bank_code`` approved on or before ``day`` (Asia/Jakarta),
    for a bank that takes the day's transfers as one ISO 20022 pain.001 file (listed in
    ``CAIRKAN_PAYOUT_BULK_FILE_BANKS``, so the online sender leaves them queued)."""
    end = timezone.make_aware(datetime.combine(day, datetime.max.time()))
    return Payout.objects.filter(
        bank_code=bank_code, state=PayoutState.QUEUED, created_at__lte=end
    ).order_by("pk")


def payout_of(claim: Claim) -> Payout | None:
    """The claim's current payout: the one not failed, else its latest failed one."""
    live = Payout.objects.filter(claim=claim).exclude(state=PayoutState.FAILED).first()
    return live or Payout.objects.filter(claim=claim).order_by("-pk").first()


def payouts_needing_attention() -> QuerySet[Payout]:
    """What an officer should see: held payouts and those whose outcome is unknown."""
    return Payout.objects.filter(state__in=[PayoutState.HELD, PayoutState.UNKNOWN]).order_by("pk")
