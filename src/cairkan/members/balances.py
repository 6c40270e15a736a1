"""What a member has: the balance on a day, for one participant or for everyone."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import F, Q, Sum

from cairkan.members.models import (
    Contribution,
    Membership,
    Participant,
    ReturnCredit,
    WithdrawalPart,
)

PAID = F("worker_share") + F("employer_share")


def _membership_balances(as_of: date, memberships: Q) -> dict[int, int]:
    """Balance per membership: contributions paid up to ``as_of`` plus returns credited for
    the years before ``as_of``'s year (a year's return is credited at its end), less the
    withdrawals paid up to ``as_of`` (PP 46/2015 Art. 22, 26: what is paid leaves the
    balance; Permenaker 4/2022).

    Grouped by membership, not by participant: joining every ledger row to its
    participant costs ten times the aggregation itself on SQLite.
    """
    balances: dict[int, int] = defaultdict(int)
    paid = (
        Contribution.objects.filter(memberships, paid_on__lte=as_of)
        .values("membership_id")
        .annotate(total=Sum(PAID))
        .values_list("membership_id", "total")
    )
    credited = (
        ReturnCredit.objects.filter(memberships, year__lt=as_of.year)
        .values("membership_id")
        .annotate(total=Sum("amount"))
        .values_list("membership_id", "total")
    )
    withdrawn = (
        WithdrawalPart.objects.filter(memberships, paid_on__lte=as_of)
        .values("membership_id")
        .annotate(total=Sum("amount"))
        .values_list("membership_id", "total")
    )
    for membership_id, total in (*paid, *credited):
        balances[membership_id] += total
    for membership_id, total in withdrawn:
        balances[membership_id] -= total
    return balances


def membership_balances(*, participant: Participant, as_of: date) -> dict[int, int]:
    """Each of one participant's KPJ (membership id → rupiah) on ``as_of``."""
    ids = list(Membership.objects.filter(participant=participant).values_list("pk", flat=True))
    return {i: _membership_balances(as_of, Q(membership_id__in=ids)).get(i, 0) for i in ids}


def participant_balance(*, participant: Participant, as_of: date) -> int:
    """All of one participant's KPJ together.

    The KPJ ids are fetched first so the ledger is read through its (membership, month)
    index; a join lets PostgreSQL's planner walk the payment-date index instead.
    """
    ids = list(Membership.objects.filter(participant=participant).values_list("pk", flat=True))
    return sum(_membership_balances(as_of, Q(membership_id__in=ids)).values())


def balances_on(as_of: date) -> dict[int, int]:
    """Every participant's balance on ``as_of`` (participant id → rupiah), set-based."""
    owners = dict(Membership.objects.values_list("id", "participant_id"))
    balances: dict[int, int] = defaultdict(int)
    for membership_id, balance in _membership_balances(as_of, Q()).items():
        balances[owners[membership_id]] += balance
    return dict(balances)
