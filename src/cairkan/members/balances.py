"""What a member has: the balance on a day, for one participant or for everyone."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Sum

from cairkan.members.models import Contribution, Participant, ReturnCredit

PAID = F("worker_share") + F("employer_share")


def participant_balance(*, participant: Participant, as_of: date) -> int:
    """All linked KPJ together: contributions paid up to ``as_of`` plus returns credited
    for the years before ``as_of``'s year (a year's return is credited at its end)."""
    paid = Contribution.objects.filter(
        membership__participant=participant, paid_on__lte=as_of
    ).aggregate(total=Sum(PAID))["total"]
    returned = ReturnCredit.objects.filter(
        membership__participant=participant, year__lt=as_of.year
    ).aggregate(total=Sum("amount"))["total"]
    return (paid or 0) + (returned or 0)


def balances_on(as_of: date) -> dict[int, int]:
    """Every participant's balance on ``as_of`` (participant id → rupiah), set-based."""
    balances: dict[int, int] = {}
    paid = (
        Contribution.objects.filter(paid_on__lte=as_of)
        .values("membership__participant_id")
        .annotate(total=Sum(PAID))
    )
    for row in paid:
        balances[row["membership__participant_id"]] = row["total"]
    returned = (
        ReturnCredit.objects.filter(year__lt=as_of.year)
        .values("membership__participant_id")
        .annotate(total=Sum("amount"))
    )
    for row in returned:
        key = row["membership__participant_id"]
        balances[key] = balances.get(key, 0) + row["total"]
    return balances
