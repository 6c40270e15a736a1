"""Writes to member data: the JHT ledger, and officers' corrections of registry data."""

from __future__ import annotations

from datetime import date
from typing import Any

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cairkan.audit.services import audit_record
from cairkan.jht import Reason
from cairkan.members.balances import membership_balances
from cairkan.members.models import (
    MemberDataEvent,
    Membership,
    MembershipStatus,
    Participant,
    SeparationReason,
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


# --- corrections of registry data ---------------------------------------------------------
# A participant's name and a membership's status and separation date decide who is paid
# and when (PP 46/2015 Art. 26: the waiting period runs from the separation). They are
# BPJS Ketenagakerjaan's records, so an officer corrects them only through these services:
# with a permission, a reason, an event row and an audit entry, never a free edit.

REASON_MAX = 500


class MemberDataError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(CORRECTION_MESSAGES[self.code])


CORRECTION_MESSAGES = {
    "permission_denied": _("You do not have the right to correct this record."),
    "reason_required": _("Write why the record is corrected (what you checked, and where)."),
    "reason_too_long": _("Write the reason in at most 500 characters."),
    "name_invalid": _("Write the name as on the e-KTP: letters, at most 120 characters."),
    "unchanged": _("Nothing changed: the record already says this."),
    "status_unknown": _("Choose active or non-active."),
    "separation_reason_required": _("A separation date needs its reason, and a reason its date."),
    "separation_reason_unknown": _("Choose a separation reason from the list."),
    "separation_before_start": _("The separation date cannot be before the membership started."),
    "separation_in_future": _("The separation date cannot be in the future."),
}


def _checked_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise MemberDataError("reason_required")
    if len(reason) > REASON_MAX:
        raise MemberDataError("reason_too_long")
    return reason


def _allowed(actor: Any, permission: str) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        raise MemberDataError("permission_denied")


def participant_correct(
    *, participant: Participant, actor: Any, full_name: str, reason: str
) -> Participant:
    """Correct a participant's name (as on the e-KTP) with the officer's reason."""
    _allowed(actor, "members.correct_participant")
    reason = _checked_reason(reason)
    full_name = " ".join(full_name.split())
    if not full_name or len(full_name) > 120 or not any(c.isalpha() for c in full_name):
        raise MemberDataError("name_invalid")
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if locked.full_name == full_name:
            raise MemberDataError("unchanged")
        before, after = {"full_name": locked.full_name}, {"full_name": full_name}
        locked.full_name = full_name
        locked.save(update_fields=["full_name", "updated_at"])
        MemberDataEvent.objects.create(
            participant=locked,
            kind=MemberDataEvent.Kind.NAME_CORRECTED,
            before=before,
            after=after,
            reason=reason,
            acting_user=actor,
        )
        audit_record(
            actor_kind="officer",
            actor_user=actor,
            action="participant.correct_name",
            subject=locked,
            before=before,  # masked by the trail: a name is personal data
            after=after,
            why=reason,
        )
    log.info("participant_corrected", participant=locked.pk, fields=["full_name"])
    return locked


def membership_correct(
    *,
    membership: Membership,
    actor: Any,
    status: str,
    separation_date: date | None,
    separation_reason: str,
    reason: str,
) -> Membership:
    """Correct a membership's status and separation (date and reason) with the
    officer's reason: e.g. an employer's late or wrong report, checked with the employer."""
    _allowed(actor, "members.correct_membership")
    reason = _checked_reason(reason)
    if status not in MembershipStatus.values:
        raise MemberDataError("status_unknown")
    if (separation_date is None) != (not separation_reason):
        raise MemberDataError("separation_reason_required")
    if separation_reason and separation_reason not in SeparationReason.values:
        raise MemberDataError("separation_reason_unknown")
    if separation_date is not None and separation_date > timezone.localdate():
        raise MemberDataError("separation_in_future")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if separation_date is not None and separation_date < locked.start_date:
            raise MemberDataError("separation_before_start")
        wanted = {
            "status": status,
            "separation_date": separation_date,
            "separation_reason": separation_reason,
        }
        before = {f: getattr(locked, f) for f in wanted if getattr(locked, f) != wanted[f]}
        if not before:
            raise MemberDataError("unchanged")
        after = {f: wanted[f] for f in before}
        for field, value in after.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(after))
        MemberDataEvent.objects.create(
            participant_id=locked.participant_id,
            membership=locked,
            kind=MemberDataEvent.Kind.MEMBERSHIP_CORRECTED,
            before=_json(before),
            after=_json(after),
            reason=reason,
            acting_user=actor,
        )
        audit_record(
            actor_kind="officer",
            actor_user=actor,
            action="membership.correct",
            subject=locked,
            before=before,
            after=after,
            why=reason,
        )
    log.info("membership_corrected", membership=locked.pk, fields=sorted(after))
    return locked


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
