"""What a member has: the balance on a day, for one participant or for everyone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import F, Model, Q, QuerySet, Sum

from cairkan.members.models import (
    Contribution,
    Membership,
    Participant,
    ReturnCredit,
    WithdrawalPart,
)

PAID = F("worker_share") + F("employer_share")


def _ledger(as_of: date) -> Iterator[tuple[QuerySet[Any], Any, int]]:
    """What makes a KPJ's balance on ``as_of``, as (rows, amount, sign): contributions paid
    up to ``as_of``, plus returns credited for the years before ``as_of``'s year (a year's
    return is credited at its end), less the withdrawals paid up to ``as_of`` (PP 46/2015
    Art. 22, 26: what is paid leaves the balance; Permenaker 4/2022). The set-based sums
    are built from it; ``_KPJ_ROWS`` writes the same rule out for one participant."""
    yield Contribution.objects.filter(paid_on__lte=as_of), PAID, 1
    yield ReturnCredit.objects.filter(year__lt=as_of.year), F("amount"), 1
    yield WithdrawalPart.objects.filter(paid_on__lte=as_of), F("amount"), -1


def _membership_balances(as_of: date, memberships: Q) -> dict[int, int]:
    """Balance per membership, set-based: one grouped sum per kind of ledger row.

    Grouped by membership, not by participant: joining every ledger row to its
    participant costs ten times the aggregation itself on SQLite.
    """
    balances: dict[int, int] = defaultdict(int)
    for rows, amount, sign in _ledger(as_of):
        totals = (
            rows.filter(memberships)
            .values("membership_id")
            .annotate(total=Sum(amount))
            .values_list("membership_id", "total")
        )
        for membership_id, total in totals:
            balances[membership_id] += sign * total
    return balances


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# ``_ledger`` for one participant's memberships, as one statement: each ledger's sum a
# subquery correlated on the membership, so it is read through the ledger's membership
# index (a join would let PostgreSQL's planner walk the payment-date index instead).
# Written out rather than built by the ORM: building the three subqueries cost more than
# running them, and this is the API's most frequent read (docs/benchmarks.md, issue 9 H2).
# tests/test_returns.py holds it to ``balances_on`` (the ORM's) for every demo member.
_KPJ_ROWS = """
SELECT m.id, m.kpj,
  COALESCE((SELECT SUM(c.worker_share + c.employer_share) FROM {contribution} c
            WHERE c.membership_id = m.id AND c.paid_on <= %s), 0)
  + COALESCE((SELECT SUM(r.amount) FROM {returns} r
              WHERE r.membership_id = m.id AND r.year < %s), 0)
  - COALESCE((SELECT SUM(w.amount) FROM {withdrawals} w
              WHERE w.membership_id = m.id AND w.paid_on <= %s), 0)
FROM {membership} m
WHERE m.participant_id = %s
ORDER BY m.id
"""


def _kpj_rows(participant_id: int, as_of: date) -> list[tuple[int, str, int]]:
    """One participant's memberships as (id, KPJ, balance on ``as_of``), in one query."""
    sql = _KPJ_ROWS.format(
        contribution=_table(Contribution),
        returns=_table(ReturnCredit),
        withdrawals=_table(WithdrawalPart),
        membership=_table(Membership),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of, as_of.year, as_of, participant_id])
        # PostgreSQL sums bigints as numeric (a Decimal here): whole rupiah, exact as int.
        return [(pk, kpj, int(balance)) for pk, kpj, balance in cursor.fetchall()]


def kpj_balances(*, participant: Participant, as_of: date) -> dict[str, int]:
    """Each of one participant's KPJ numbers with its balance on ``as_of`` (rupiah)."""
    return {kpj: balance for _pk, kpj, balance in _kpj_rows(participant.pk, as_of)}


def membership_balances(*, participant: Participant, as_of: date) -> dict[int, int]:
    """Each of one participant's KPJ (membership id → rupiah) on ``as_of``."""
    return {pk: balance for pk, _kpj, balance in _kpj_rows(participant.pk, as_of)}


def participant_balance(*, participant: Participant, as_of: date) -> int:
    """All of one participant's KPJ together."""
    return sum(balance for _pk, _kpj, balance in _kpj_rows(participant.pk, as_of))


def balances_on(as_of: date) -> dict[int, int]:
    """Every participant's balance on ``as_of`` (participant id → rupiah), set-based."""
    owners = dict(Membership.objects.values_list("id", "participant_id"))
    balances: dict[int, int] = defaultdict(int)
    for membership_id, balance in _membership_balances(as_of, Q()).items():
        balances[owners[membership_id]] += balance
    return dict(balances)
