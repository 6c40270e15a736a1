"""Reading the facts a day's reconciliation compares (``reconciliation.reconcile``).

A day is a calendar day in the service's time zone (settings.TIME_ZONE). Stages come from
the payouts' events that day (a payout counts once per stage, whatever its retries); the
payouts compared are those the day's events, the statement's references or the day's
ledger rows name, and those whose outcome is still open. A past day's open-outcome check
sees the payouts as they stand now: one settled since is no longer listed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import F, Max, Q, Subquery
from django.utils import timezone

from cairkan.members.models import Withdrawal
from cairkan.payouts.models import Payout, PayoutEvent, PayoutState
from cairkan.payouts.reconciliation import (
    OPEN_STATES,
    BankLine,
    LedgerFact,
    PayoutFact,
    Reconciliation,
    StageMove,
    reconcile,
)

# Where each event lands in the day's stages. A payout made (from nothing to queued) is
# an approval, or a re-queue after the member gave another account.
_STAGE_OF: dict[str, str] = {
    PayoutState.SENDING: "sent",
    PayoutState.ACCEPTED: "accepted",
    PayoutState.PAID: "paid",
    PayoutState.FAILED: "failed",
}
# payouts.services holds a payout whose bank answered another amount, with last_error
# "amount_mismatch: {'expected': …, 'reported': …}".
CHUNK = 2_000
_REPORTED = re.compile(r"amount_mismatch\b.*'reported': (\d+)")


def unknown_after() -> timedelta:
    """An outcome still open after this long is listed (docs/payments.md)."""
    return timedelta(seconds=settings.CAIRKAN_RECONCILE_OPEN_OUTCOME_AFTER_S)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _moves(start: datetime, end: datetime) -> list[StageMove]:
    rows = (
        PayoutEvent.objects.filter(at__gte=start, at__lt=end)
        .filter(Q(to_state__in=list(_STAGE_OF)) | Q(from_state="", to_state=PayoutState.QUEUED))
        .order_by("at", "pk")
        .values_list("payout__reference", "payout__net", "from_state", "to_state")
    )
    moves = []
    for reference, net, from_state, to_state in rows:
        stage = "approved" if not from_state and to_state == PayoutState.QUEUED else None
        moves.append(StageMove(reference, stage or _STAGE_OF[to_state], net))
    return moves


def _facts(filter_: Q) -> list[PayoutFact]:
    rows = (
        Payout.objects.filter(filter_)
        .annotate(since=Max("events__at", filter=Q(events__to_state=F("state"))))
        .values(
            "reference",
            "claim__public_id",
            "gross",
            "net",
            "state",
            "since",
            "created_at",
            "settled_at",
            "last_error",
        )
    )
    facts = []
    for row in rows:
        reported = _REPORTED.search(row["last_error"]) if row["state"] == "held" else None
        settled = row["settled_at"]
        facts.append(
            PayoutFact(
                reference=row["reference"],
                claim=str(row["claim__public_id"]),
                gross=row["gross"],
                net=row["net"],
                state=row["state"],
                state_since=row["since"] or row["created_at"],
                paid_on=timezone.localdate(settled)
                if row["state"] == PayoutState.PAID and settled
                else None,
                answered_amount=int(reported.group(1)) if reported else None,
            )
        )
    return facts


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _chunks(values: Iterable[str], size: int = CHUNK) -> Iterator[list[str]]:
    """Long lists go to the database in pieces: SQLite caps the parameters of a query."""
    batch = list(values)
    for first in range(0, len(batch), size):
        yield batch[first : first + size]


def reconciliation_for(
    *, day: date, statement: Sequence[BankLine] | None, now: datetime | None = None
) -> Reconciliation:
    """The day's reconciliation against ``statement`` (None: no statement given; the bank
    side is then not compared). A few queries, plus one per 2 000 statement references
    or ledger rows."""
    start, end = day_bounds(day)
    as_of = min(now or timezone.now(), end)
    moves = _moves(start, end)
    day_events = PayoutEvent.objects.filter(at__gte=start, at__lt=end).values("payout_id")
    found = {
        fact.reference: fact
        for fact in _facts(
            Q(pk__in=Subquery(day_events))
            | Q(state__in=list(OPEN_STATES))
            | Q(state=PayoutState.HELD, last_error__startswith="amount_mismatch")
        )
    }
    references = {line.reference for line in statement or ()} - found.keys()
    for batch in _chunks(references):
        found.update((fact.reference, fact) for fact in _facts(Q(reference__in=batch)))
    ledger_rows = list(
        Withdrawal.objects.filter(paid_on=day).values_list("claim_reference", "gross", "paid_on")
    )
    # A ledger reference that is no claim's id simply matches no payout.
    ledger_claims = {claim for claim, _, _ in ledger_rows if _is_uuid(claim)} - {
        fact.claim for fact in found.values()
    }
    for batch in _chunks(ledger_claims):
        found.update((f.reference, f) for f in _facts(Q(claim__public_id__in=batch)))
    payouts = list(found.values())
    # The ledger rows of the claims paid that day but booked in the ledger another day.
    known = {claim for claim, _, _ in ledger_rows}
    elsewhere = {p.claim for p in payouts if p.paid_on == day} - known
    for batch in _chunks(elsewhere):
        ledger_rows += Withdrawal.objects.filter(claim_reference__in=batch).values_list(
            "claim_reference", "gross", "paid_on"
        )
    return reconcile(
        day=day,
        payouts=payouts,
        moves=moves,
        ledger=[LedgerFact(claim, gross, paid_on) for claim, gross, paid_on in ledger_rows],
        statement=statement,
        as_of=as_of,
        unknown_after=unknown_after(),
    )
