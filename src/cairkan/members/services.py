"""Writes to a member's JHT ledger."""

from __future__ import annotations

from datetime import date
from typing import Any

import structlog
from django.db import IntegrityError, transaction

from cairkan.jht import Reason
from cairkan.members.balances import membership_balances
from cairkan.members.models import (
    Membership,
    Participant,
    Withdrawal,
    WithdrawalKind,
    WithdrawalPart,
)

log = structlog.get_logger(__name__)


class WithdrawalError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _kind(reason: Reason) -> str:
    """PP 46/2015 Art. 22(5): 10% or 30% of the balance; every other reason pays it all."""
    if reason is Reason.PARTIAL_10:
        return WithdrawalKind.PARTIAL_10
    if reason is Reason.PARTIAL_30:
        return WithdrawalKind.PARTIAL_30
    return WithdrawalKind.FULL


def withdrawal_record(
    *,
    participant: Participant,
    claim_reference: str,
    reason: str,
    gross: int,
    paid_on: date,
) -> Withdrawal:
    """Record a paid claim: ``gross`` rupiah leave the balance on ``paid_on``.

    Recording the same claim reference again returns the first row and changes nothing
    (a retried payout, a crash after the bank confirmed). The amount is taken from the KPJ
    in the order they started, each up to its balance; more than the whole balance is
    refused. Call it in the transaction that marks the claim paid.
    """
    if not claim_reference or len(claim_reference) > 64:
        raise WithdrawalError("claim_reference_invalid")
    try:
        claim_reason = Reason(reason)
    except ValueError:
        raise WithdrawalError("reason_unknown") from None
    if isinstance(gross, bool) or not isinstance(gross, int) or gross <= 0:
        raise WithdrawalError("gross_not_positive")
    with transaction.atomic():
        # Lock the member's KPJ: two payouts at once cannot both spend the same balance.
        memberships = list(
            Membership.objects.select_for_update()
            .filter(participant=participant)
            .order_by("start_date", "pk")
        )
        existing = Withdrawal.objects.filter(claim_reference=claim_reference).first()
        if existing is not None:
            if (existing.participant_id, existing.gross) != (participant.pk, gross):
                raise WithdrawalError("claim_reference_reused")
            return existing
        balances = membership_balances(participant=participant, as_of=paid_on)
        total = sum(balances.values())
        if gross > total:
            raise WithdrawalError("exceeds_balance", balance=total)
        try:
            with transaction.atomic():
                withdrawal = Withdrawal.objects.create(
                    participant=participant,
                    claim_reference=claim_reference,
                    reason=claim_reason.value,
                    kind=_kind(claim_reason),
                    gross=gross,
                    paid_on=paid_on,
                )
        except IntegrityError:  # the same payout recorded meanwhile by another process
            return Withdrawal.objects.get(claim_reference=claim_reference)
        parts, left = [], gross
        for membership in memberships:
            amount = min(left, max(balances.get(membership.pk, 0), 0))
            if amount:
                parts.append(
                    WithdrawalPart(
                        withdrawal=withdrawal, membership=membership, amount=amount, paid_on=paid_on
                    )
                )
                left -= amount
        WithdrawalPart.objects.bulk_create(parts)
    log.info(
        "withdrawal_recorded",
        claim_reference=claim_reference,
        kind=withdrawal.kind,
        gross=gross,
        paid_on=paid_on.isoformat(),
    )
    return withdrawal
