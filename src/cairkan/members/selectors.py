"""Reads of a member's paid history."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from cairkan.members.models import Participant, Withdrawal


def paid_withdrawals(*, participant: Participant, as_of: date) -> QuerySet[Withdrawal]:
    """The JHT paid to ``participant`` up to ``as_of``, oldest first: what the
    partial-once rule (PP 46/2015 Art. 22(4)–(6)) and the tax band (PP 68/2009) read."""
    return Withdrawal.objects.filter(participant=participant, paid_on__lte=as_of).order_by(
        "paid_on", "pk"
    )
