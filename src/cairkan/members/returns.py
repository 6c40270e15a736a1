"""Credit a year's development return to every membership, set-based and idempotent."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from itertools import batched
from typing import Any

import numpy as np
import structlog
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Sum, Value, When
from django.utils import timezone

from cairkan.jht.balance import rate_basis_points, yearly_return
from cairkan.members.models import (
    Contribution,
    Membership,
    ReturnCredit,
    ReturnRate,
    WithdrawalPart,
)

log = structlog.get_logger(__name__)
PAID = F("worker_share") + F("employer_share")


class ReturnsError(Exception):
    """The year cannot be credited now; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class CreditSummary:
    year: int
    rate_percent: Decimal
    credited: int  # memberships credited by this run
    already_credited: int  # memberships that had this year's credit before the run
    total_returned: int  # rupiah credited by this run


def _check_can_credit(year: int, today: date) -> ReturnRate:
    if year >= today.year:
        raise ReturnsError(f"{year} has not ended yet; its return is credited after 31 December.")
    rate = ReturnRate.objects.filter(year=year).first()
    if rate is None:
        raise ReturnsError(
            f"No development-return rate for {year}. Enter it first (back office → "
            "development-return rates)."
        )
    first_paid = Contribution.objects.order_by("paid_on").values_list("paid_on", flat=True).first()
    if first_paid is not None:
        # Crediting a year on top of an uncredited earlier one would build on a wrong
        # opening balance: earlier years with a rate must be credited first.
        rated = ReturnRate.objects.filter(year__gte=first_paid.year, year__lt=year)
        missing = sorted(
            rated.exclude(year__in=ReturnCredit.objects.values("year").distinct()).values_list(
                "year", flat=True
            )
        )
        if missing:
            years = ", ".join(str(y) for y in missing)
            raise ReturnsError(f"Credit the earlier years first: {years}.")
    return rate


def _openings(year: int, start: date) -> dict[int, int]:
    """Opening balance on 1 January of ``year`` for every membership that has one."""
    previous = ReturnCredit.objects.filter(year=year - 1)
    openings = dict(previous.values_list("membership_id", "closing_balance"))
    # Without last year's row (the first year credited, or a year without a rate before
    # it), the opening is everything paid before plus every return credited before, less
    # every withdrawal paid before (PP 46/2015 Art. 22, 26). Find
    # those memberships first, so the common case never scans the whole ledger.
    uncovered = list(
        Membership.objects.filter(
            Exists(Contribution.objects.filter(membership=OuterRef("pk"), paid_on__lt=start)),
            ~Exists(previous.filter(membership=OuterRef("pk"))),
        ).values_list("pk", flat=True)
    )
    for chunk in batched(uncovered, 5000):
        rows = (
            *Contribution.objects.filter(membership_id__in=chunk, paid_on__lt=start)
            .values("membership_id")
            .annotate(total=Sum(PAID))
            .values_list("membership_id", "total"),
            *ReturnCredit.objects.filter(membership_id__in=chunk, year__lt=year)
            .values("membership_id")
            .annotate(total=Sum("amount"))
            .values_list("membership_id", "total"),
            *WithdrawalPart.objects.filter(membership_id__in=chunk, paid_on__lt=start)
            .values("membership_id")
            .annotate(total=-Sum("amount"))
            .values_list("membership_id", "total"),
        )
        for membership_id, total in rows:
            openings[membership_id] = openings.get(membership_id, 0) + total
    return openings


def _ledger_in_year(
    model: type[Contribution] | type[WithdrawalPart], amount: Any, year: int
) -> dict[int, tuple[int, int]]:
    """Per membership: (total, Σ amount × months left after the payment) in ``year``."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return {
        row["membership_id"]: (row["total"], row["weighted"])
        for row in model.objects.filter(paid_on__gte=start, paid_on__lt=end)
        .values("membership_id")
        .annotate(total=Sum(amount), weighted=Sum(amount * _months_left_after_payment(year)))
    }


def _months_left_after_payment(year: int) -> Case:
    """12 - month of ``paid_on`` within ``year``, by plain date comparisons: SQLite would
    otherwise call a Python function per row to extract the month."""
    return Case(
        *[
            When(paid_on__lt=date(year, month + 1, 1), then=Value(12 - month))
            for month in range(1, 12)
        ],
        default=Value(0),
        output_field=IntegerField(),
    )


def credit_returns(*, year: int, today: date | None = None) -> CreditSummary:
    """Credit ``year``'s return to every membership not yet credited for it."""
    rate = _check_can_credit(year, today or timezone.localdate())
    points = rate_basis_points(rate.rate_percent)
    start = date(year, 1, 1)
    with transaction.atomic():
        already = set(
            ReturnCredit.objects.filter(year=year).values_list("membership_id", flat=True)
        )
        openings = _openings(year, start)
        during = _ledger_in_year(Contribution, PAID, year)
        # Money paid out in month m stops earning from then: it loses the (12 - m)/12 a
        # contribution of that month would earn (Cairkan's method, docs/rules.md).
        out = _ledger_in_year(WithdrawalPart, F("amount"), year)
        ids = np.array(
            sorted((openings.keys() | during.keys() | out.keys()) - already), dtype=np.int64
        )
        opening = np.array([openings.get(i, 0) for i in ids], dtype=np.int64)
        paid = np.array([during.get(i, (0, 0))[0] for i in ids], dtype=np.int64)
        withdrawn = np.array([out.get(i, (0, 0))[0] for i in ids], dtype=np.int64)
        weighted = np.array(
            [during.get(i, (0, 0))[1] - out.get(i, (0, 0))[1] for i in ids], dtype=np.int64
        )
        amount = yearly_return(opening, weighted, points)
        closing = opening + paid - withdrawn + amount
        ReturnCredit.objects.bulk_create(
            [
                ReturnCredit(
                    membership_id=int(m),
                    year=year,
                    opening_balance=int(o),
                    contributions=int(c),
                    withdrawals=int(w),
                    rate_percent=rate.rate_percent,
                    amount=int(a),
                    closing_balance=int(z),
                )
                for m, o, c, w, a, z in zip(
                    ids, opening, paid, withdrawn, amount, closing, strict=True
                )
            ],
            batch_size=5000,
            ignore_conflicts=True,  # a concurrent run credited some first: keep theirs
        )
    summary = CreditSummary(year, rate.rate_percent, len(ids), len(already), int(amount.sum()))
    log.info("returns_credited", **asdict(summary))
    return summary
