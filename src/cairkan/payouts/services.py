"""Paying an approved claim, exactly once.

Approving a claim (``claim_approve``, the only way to approve) creates its ``Payout`` in
the same transaction. The queued payout is the outbox row: a task named by its id sends
it once the approval commits, and a sweep (``cairkan payouts-sweep``, or the periodic
task) sends any whose task was lost.

Sending takes a lease: one conditional UPDATE (or a ``select_for_update(skip_locked)``
batch in primary-key order) moves the payout from ``queued`` to ``sending``, so one
worker wins; the bank is called with no transaction open; the answer is recorded only by
the worker that still holds the lease. The account is inquired again just before the
transfer is handed over, under the payout's own reference.

An answer that leaves the outcome open (time-out, lost connection, a worker that died
while sending) puts the payout in ``unknown``; only a status inquiry under the same
reference resolves it. If the bank has never heard of the reference, the payout is
queued again and sent under that same reference (the bank deduplicates on it); it is
never sent under a new one. A new reference is made only for a new account, after a
final failure (``payout_requeue``).

Transient errors (bank unavailable, time-outs on an inquiry) wait on an escalating ladder
(``CAIRKAN_PAYOUT_RETRY_SECONDS``); past its last step the payout is ``held`` for an
officer, who resumes it (``payout_resume``).

A final outcome from any source (the send's answer, a status inquiry, a bank file) goes
through ``payout_settle``: idempotent, and on ``paid`` it moves the claim to paid and
writes the withdrawal to the member's ledger in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cairkan.audit.services import audit_record
from cairkan.claims.models import Claim, Status
from cairkan.claims.services import ClaimError, claim_transition
from cairkan.integrations import loading
from cairkan.integrations.bank.base import (
    AccountNotFound,
    AccountStatus,
    BankUnavailable,
    TransferRejected,
    TransferState,
    TransferStatus,
    UnknownBank,
)
from cairkan.members.names import compare_names
from cairkan.members.services import WithdrawalError, withdrawal_record
from cairkan.payouts.failures import FailureCode
from cairkan.payouts.models import Payout, PayoutEvent, PayoutState
from cairkan.payouts.rails import uses_file_rail

log = structlog.get_logger(__name__)

State = PayoutState
FINAL = (State.PAID, State.FAILED)
# The states a sweep or a task may pick up when due.
POLLED = (State.ACCEPTED, State.UNKNOWN)
# The sandbox's and SNAP BI's account states the bank reports before a transfer.
_ACCOUNT_FAILURES = {
    AccountStatus.DORMANT: FailureCode.ACCOUNT_DORMANT,
    AccountStatus.CLOSED: FailureCode.ACCOUNT_CLOSED,
}


class PayoutError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class SweepResult:
    recovered: int
    sent: int
    polled: int


# --- settings -----------------------------------------------------------------------------


def retry_ladder() -> tuple[float, ...]:
    """The pauses (seconds) after each transient failure in a row; then the payout is held."""
    return tuple(float(s) for s in settings.CAIRKAN_PAYOUT_RETRY_SECONDS)


def bulk_file_banks() -> list[str]:
    """Banks paid by a day's ISO 20022 file rather than one transfer at a time
    (``CAIRKAN_BANK_FILE_RAIL``): their payouts wait for the file (``bankfiles``) and their
    outcome comes from the bank's status report, so the online sender leaves them alone."""
    return list(settings.CAIRKAN_BANK_FILE_RAIL)


def poll_pause() -> timedelta:
    """How long to wait before asking the bank again about an accepted transfer."""
    return timedelta(seconds=settings.CAIRKAN_PAYOUT_POLL_SECONDS)


def sending_timeout() -> timedelta:
    """A payout in ``sending`` longer than this lost its worker: its outcome is unknown.
    Far longer than a bank call may take (adapters time out well before)."""
    return timedelta(seconds=settings.CAIRKAN_PAYOUT_SENDING_TIMEOUT_S)


# --- events -------------------------------------------------------------------------------


def _event(
    payout: Payout,
    from_state: str,
    to_state: str,
    *,
    actor: str = "system",
    acting_user: Any = None,
    source: str = "",
    reason: str = "",
) -> None:
    PayoutEvent.objects.create(
        payout=payout,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        acting_user=acting_user,
        source=source[:80],
        reason=reason[:200],
    )
    # The tamper-evident trail sees every payout move but the batch "sending" marks
    # (transient, and a PayoutEvent each): made, accepted, unknown, held, resumed, paid,
    # failed. The account number is masked by the trail.
    audit_record(
        actor_kind=actor if actor in ("member", "officer") else "system",
        actor_user=acting_user,
        action=f"payout.{to_state}",
        subject=payout,
        participant=payout.participant_id,
        before={"state": from_state} if from_state else None,
        after={"state": to_state, "net": payout.net, "account_number": payout.account_number},
        why=(f"{source}: {reason}" if source and reason else source or reason),
    )


def _move(
    payout: Payout,
    to_state: str,
    *,
    source: str,
    reason: str = "",
    expect: dict[str, Any] | None = None,
    actor: str = "system",
    acting_user: Any = None,
    **fields: Any,
) -> bool:
    """Move ``payout`` to ``to_state`` with ``fields`` if it is still as ``expect`` says
    (by default: in the state the caller read), with its event, in one transaction.
    Returns False and changes nothing if another worker moved it meanwhile."""
    expect = expect if expect is not None else {"state": payout.state}
    with transaction.atomic():
        moved = Payout.objects.filter(pk=payout.pk, **expect).update(
            state=to_state, updated_at=timezone.now(), **fields
        )
        if not moved:
            return False
        _event(
            payout,
            payout.state,
            to_state,
            actor=actor,
            acting_user=acting_user,
            source=source,
            reason=reason,
        )
    payout.refresh_from_db()
    return True


# --- approving ----------------------------------------------------------------------------


def claim_approve(*, claim: Claim, actor: str, acting_user: Any = None, reason: str = "") -> Claim:
    """Approve ``claim``: the only way to. In one transaction the claim moves to
    ``approved`` and its ``Payout`` is made (net, tax and the verified account copied from
    the claim, a new reference), queued and due now; once that commits the send task is
    enqueued with the payout's id (inline without a broker). Raises ``ClaimError`` when
    the claim may not be approved (``transition_not_allowed``)."""
    from cairkan.payouts.tasks import send_payout

    with transaction.atomic():
        approved = claim_transition(
            claim=claim,
            to_status=Status.APPROVED,
            actor=actor,
            acting_user=acting_user,
            reason=reason,
        )
        payout = _payout_create(approved, actor=actor, acting_user=acting_user, why="approved")
        transaction.on_commit(lambda: send_payout.delay(payout.pk))
    return approved


def _payout_create(claim: Claim, *, actor: str, acting_user: Any, why: str) -> Payout:
    payout = Payout.objects.create(
        claim=claim,
        participant_id=claim.participant_id,
        gross=claim.gross,
        tax=claim.tax,
        net=claim.net,
        bank_code=claim.bank_code,
        account_number=claim.account_number,
        account_holder=claim.account_holder,
        state=State.QUEUED,
        # A bank paid by file takes it in the day's pain.001 (payouts/bankfiles.py): no
        # attempt is ever due for the API sender.
        next_attempt_at=None if uses_file_rail(claim.bank_code) else timezone.now(),
    )
    _event(
        payout, "", State.QUEUED, actor=actor, acting_user=acting_user, source="claim", reason=why
    )
    return payout


def payout_requeue(*, claim: Claim, acting_user: Any = None) -> Payout:
    """A new payout for the claim's new account, after its last payout failed and the
    member gave another account (checked again with the bank by ``claim_correct``).
    Called inside that correction's transaction. A new account gets a new reference; the
    failed payout stays as it was. The database refuses a second live payout."""
    from cairkan.payouts.tasks import send_payout

    live = Payout.objects.filter(claim=claim).exclude(state=State.FAILED).first()
    if live is not None:
        return live  # already re-queued (a retried correction)
    payout = _payout_create(
        claim, actor="member", acting_user=acting_user, why="another account after a failure"
    )
    transaction.on_commit(lambda: send_payout.delay(payout.pk))
    return payout


# --- sending ------------------------------------------------------------------------------


def payout_send(*, payout_id: int, now: datetime | None = None) -> Payout | None:
    """Send one queued payout whose attempt is due. Returns the payout as recorded after
    the attempt, or ``None`` when this call did nothing (another worker has it, it is not
    due, or it is past sending)."""
    now = now or timezone.now()
    with transaction.atomic():  # the lease and its event (and audit entry) together
        leased = (
            Payout.objects.filter(pk=payout_id, state=State.QUEUED, next_attempt_at__lte=now)
            .exclude(bank_code__in=bulk_file_banks())
            .update(
                state=State.SENDING,
                sending_since=now,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
        )
        if not leased:
            return None
        payout = Payout.objects.get(pk=payout_id)
        _event(payout, State.QUEUED, State.SENDING, source="send")
    return _send_leased(payout)


def payouts_lease_due(*, limit: int, now: datetime | None = None) -> list[Payout]:
    """Take up to ``limit`` due queued payouts for this worker, oldest first: locked with
    ``skip_locked`` so concurrent workers take disjoint batches, moved to ``sending`` in
    the same short transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Payout.objects.select_for_update(skip_locked=True)
            .filter(state=State.QUEUED, next_attempt_at__lte=now)
            .exclude(bank_code__in=bulk_file_banks())
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        Payout.objects.filter(pk__in=ids).update(
            state=State.SENDING, sending_since=now, attempts=F("attempts") + 1, updated_at=now
        )
        PayoutEvent.objects.bulk_create(
            PayoutEvent(
                payout_id=pk,
                from_state=State.QUEUED,
                to_state=State.SENDING,
                actor="system",
                source="sweep",
            )
            for pk in ids
        )
    return list(Payout.objects.filter(pk__in=ids).order_by("pk"))


def payouts_send_due(*, limit: int) -> int:
    """Lease a batch of due payouts and send each; returns how many were attempted."""
    batch = payouts_lease_due(limit=limit)
    for payout in batch:
        _send_leased(payout)
    return len(batch)


def _lease(payout: Payout) -> dict[str, Any]:
    """What proves this worker still holds ``payout`` in ``sending``."""
    return {"state": State.SENDING, "attempts": payout.attempts}


def _send_leased(payout: Payout) -> Payout:
    """Inquire the account again, then hand the transfer to the bank under the payout's
    reference. No transaction is open while the bank is called."""
    bank = loading.bank()
    try:
        holder = bank.inquire_account(
            bank_code=payout.bank_code, account_number=payout.account_number
        )
    except (UnknownBank, AccountNotFound):
        return _fail_before_sending(payout, FailureCode.ACCOUNT_INVALID, "inquiry: no such account")
    except Exception as exc:  # time-out, outage, an adapter's bug: nothing was sent
        return _retry_later(payout, f"inquiry: {_describe(exc)}", back_to=State.QUEUED)
    if holder.status in _ACCOUNT_FAILURES:
        return _fail_before_sending(
            payout, _ACCOUNT_FAILURES[holder.status], f"inquiry: account {holder.status.value}"
        )
    if not compare_names(holder.holder_name, payout.account_holder).same:
        return _fail_before_sending(
            payout, FailureCode.NAME_MISMATCH, f"inquiry: holder is {holder.holder_name}"
        )
    try:
        status = bank.submit_transfer(
            reference=payout.reference,
            bank_code=payout.bank_code,
            account_number=payout.account_number,
            beneficiary_name=payout.account_holder,
            amount=payout.net,
        )
    except AccountNotFound:
        return _fail_before_sending(
            payout, FailureCode.ACCOUNT_INVALID, "transfer: no such account"
        )
    except BankUnavailable as exc:  # the bank said it did nothing
        return _retry_later(payout, f"transfer: {_describe(exc)}", back_to=State.QUEUED)
    except TransferRejected as exc:
        # A refusal Cairkan cannot explain to the member (a reference conflict, an amount
        # the bank will not take): a person looks before anything else is tried.
        _move(
            payout,
            State.HELD,
            source="send",
            reason=f"refused: {exc}",
            expect=_lease(payout),
            last_error=str(exc)[:200],
            sending_since=None,
            next_attempt_at=None,
        )
        log.error("payout_held", reference=payout.reference, error=str(exc)[:200])
        return payout
    except Exception as exc:  # time-out, lost connection: the bank may have it
        _move(
            payout,
            State.UNKNOWN,
            source="send",
            reason=f"no answer: {_describe(exc)}",
            expect=_lease(payout),
            last_error=_describe(exc),
            sending_since=None,
            next_attempt_at=timezone.now() + poll_pause(),
        )
        log.warning("payout_outcome_unknown", reference=payout.reference)
        return payout
    return _record_status(payout, status, source="send", expect=_lease(payout))


def _describe(exc: BaseException) -> str:
    return (f"{type(exc).__name__}: {exc}")[:200]


def _fail_before_sending(payout: Payout, code: str, why: str) -> Payout:
    """The account cannot receive money (found at the inquiry before sending): nothing
    was sent, the payout fails with the member's reason."""
    _settle(
        payout.reference,
        "failed",
        failure_code=code,
        source="inquiry",
        detail=why,
        lease=_lease(payout),
    )
    payout.refresh_from_db()
    return payout


def _retry_later(payout: Payout, error: str, *, back_to: str) -> Payout:
    """A transient failure: wait the ladder's next pause, or hold the payout for an
    officer once the ladder has run out."""
    ladder = retry_ladder()
    step = payout.retries
    expect = _lease(payout) if payout.state == State.SENDING else {"state": payout.state}
    common: dict[str, Any] = {
        "last_error": error[:200],
        "sending_since": None,
        "retries": step + 1,
    }
    if step >= len(ladder):
        _move(
            payout,
            State.HELD,
            source="retry",
            reason=f"gave up after {step + 1} tries: {error}",
            expect=expect,
            next_attempt_at=None,
            **common,
        )
        log.error("payout_held", reference=payout.reference, error=error[:200])
    else:
        _move(
            payout,
            back_to,
            source="retry",
            reason=error,
            expect=expect,
            next_attempt_at=timezone.now() + timedelta(seconds=ladder[step]),
            **common,
        )
        log.warning("payout_retry", reference=payout.reference, step=step + 1, error=error[:200])
    return payout


def _record_status(
    payout: Payout, status: TransferStatus, *, source: str, expect: dict[str, Any]
) -> Payout:
    """What the bank said about the transfer: pending (accepted, ask again later),
    completed or failed (settle)."""
    if status.state is TransferState.PENDING:
        if payout.state == State.ACCEPTED:  # still on its way: ask again later
            Payout.objects.filter(pk=payout.pk, **expect).update(
                retries=0, last_error="", next_attempt_at=timezone.now() + poll_pause()
            )
        else:
            _move(
                payout,
                State.ACCEPTED,
                source=source,
                reason="accepted by the bank",
                expect=expect,
                sending_since=None,
                retries=0,
                last_error="",
                submitted_at=payout.submitted_at or timezone.now(),
                next_attempt_at=timezone.now() + poll_pause(),
            )
        _claim_being_paid(payout)
        payout.refresh_from_db()
        return payout
    outcome: Literal["paid", "failed"] = (
        "paid" if status.state is TransferState.COMPLETED else "failed"
    )
    try:
        _settle(
            payout.reference,
            outcome,
            failure_code=_failure_code(status.failure_code) if outcome == "failed" else "",
            source=source,
            amount=status.amount,
        )
    except PayoutError as exc:
        # The bank reports another amount than was sent: nobody is paid or failed on
        # that; an officer looks (reconciliation lists it too).
        Payout.objects.filter(pk=payout.pk).exclude(state__in=FINAL).update(
            state=State.HELD, last_error=f"{exc.code}: {exc.params}"[:200], sending_since=None
        )
        _event(payout, payout.state, State.HELD, source=source, reason=exc.code)
        log.error("payout_held", reference=payout.reference, error=exc.code)
    payout.refresh_from_db()
    return payout


def _failure_code(bank_code: str) -> str:
    return bank_code if bank_code in FailureCode.values else FailureCode.BANK_REFUSED


def _claim_being_paid(payout: Payout) -> None:
    """The bank has the transfer: the member's claim reads "being paid"."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=payout.claim_id)
        if claim.status == Status.APPROVED:
            claim_transition(
                claim=claim,
                to_status=Status.PAYOUT_QUEUED,
                actor="system",
                reason=f"transfer {payout.reference} accepted by the bank",
            )


# --- polling ------------------------------------------------------------------------------


def payout_poll(*, payout_id: int, now: datetime | None = None) -> Payout | None:
    """Ask the bank where an accepted transfer, or one whose outcome is unknown, stands,
    under its own reference. Returns ``None`` if this call did nothing (not due, or
    another poller has it)."""
    now = now or timezone.now()
    payout = Payout.objects.filter(pk=payout_id).first()
    if payout is None or payout.state not in POLLED:
        return None
    # The lease: pushing the next attempt ahead keeps other pollers off while this one
    # asks; the answer (or the ladder) sets the real next attempt.
    leased = Payout.objects.filter(
        pk=payout_id, state=payout.state, next_attempt_at__lte=now, inquiries=payout.inquiries
    ).update(next_attempt_at=now + sending_timeout(), inquiries=F("inquiries") + 1)
    if not leased:
        return None
    payout.refresh_from_db()
    expect = {"state": payout.state, "inquiries": payout.inquiries}
    try:
        status = loading.bank().transfer_status(reference=payout.reference)
    except TransferRejected as exc:
        if exc.code != "unknown_reference":
            return _retry_later(payout, f"inquiry: {exc}", back_to=payout.state)
        if payout.state == State.UNKNOWN:
            # The bank never got it: send again, under the same reference.
            _move(
                payout,
                State.QUEUED,
                source="inquiry",
                reason="the bank has no transfer under this reference: send it again",
                expect=expect,
                next_attempt_at=now,
            )
        else:
            _move(
                payout,
                State.HELD,
                source="inquiry",
                reason="the bank no longer knows an accepted transfer",
                expect=expect,
                next_attempt_at=None,
                last_error=str(exc)[:200],
            )
        return payout
    except Exception as exc:  # time-out, outage: ask again on the ladder
        return _retry_later(payout, f"inquiry: {_describe(exc)}", back_to=payout.state)
    return _record_status(payout, status, source="inquiry", expect=expect)


def payouts_poll_due(*, limit: int, now: datetime | None = None) -> int:
    """Poll up to ``limit`` accepted or unknown payouts whose inquiry is due."""
    now = now or timezone.now()
    ids = list(
        Payout.objects.filter(state__in=POLLED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if payout_poll(payout_id=pk, now=now) is not None)


def payouts_recover_stale(*, now: datetime | None = None) -> int:
    """Payouts left in ``sending`` by a worker that died: their outcome is unknown (the
    bank may have accepted the transfer before the crash), so they are inquired, never
    simply sent again."""
    now = now or timezone.now()
    stale = list(
        Payout.objects.filter(state=State.SENDING, sending_since__lt=now - sending_timeout())
    )
    recovered = 0
    for payout in stale:
        recovered += _move(
            payout,
            State.UNKNOWN,
            source="sweep",
            reason="the sending worker was lost: ask the bank",
            expect=_lease(payout),
            sending_since=None,
            next_attempt_at=now,
        )
    return recovered


def payouts_sweep(*, limit: int = 100) -> SweepResult:
    """One pass: recover payouts lost in ``sending``, send the due queued ones, poll the
    due accepted and unknown ones. Safe to run in several processes at once."""
    recovered = payouts_recover_stale()
    sent = payouts_send_due(limit=limit)
    polled = payouts_poll_due(limit=limit)
    return SweepResult(recovered=recovered, sent=sent, polled=polled)


# --- settling -----------------------------------------------------------------------------


def payout_settle(
    *,
    reference: str,
    outcome: Literal["paid", "failed"],
    failure_code: str = "",
    source: str,
    amount: int | None = None,
) -> bool:
    """Apply a final outcome learned from any source (the send's answer, a status
    inquiry, a bank's pain.002/camt.054 file). Idempotent: the same outcome again changes
    nothing and returns False. Raises ``PayoutError``: ``reference_unknown``,
    ``amount_mismatch`` (``amount`` differs from the payout's net), ``outcome_conflict``
    (the payout already ended the other way), ``outcome_invalid``.

    On paid: the claim moves to paid and the withdrawal is written to the member's ledger
    (gross, PP 46/2015 Art. 22, 26) in the same transaction; the paid payout keeps the tax
    withheld (final tax on JHT, PP 68/2009) for the tax report. On failed: the claim
    moves to payout_failed and the member is asked for another account.
    """
    return _settle(reference, outcome, failure_code=failure_code, source=source, amount=amount)


def _settle(
    reference: str,
    outcome: str,
    *,
    failure_code: str = "",
    source: str,
    amount: int | None = None,
    detail: str = "",
    lease: dict[str, Any] | None = None,
) -> bool:
    """``payout_settle``; with ``lease``, only while the payout is still as it says (a
    failure found by this worker's inquiry, not news from the bank about the transfer)."""
    if outcome not in FINAL:
        raise PayoutError("outcome_invalid", outcome=outcome)
    if outcome == State.FAILED:
        failure_code = _failure_code(failure_code)
    with transaction.atomic():
        payout = Payout.objects.select_for_update().filter(reference=reference).first()
        if payout is None:
            raise PayoutError("reference_unknown", reference=reference)
        if amount is not None and amount != payout.net:
            raise PayoutError("amount_mismatch", expected=payout.net, reported=amount)
        if payout.state == outcome:
            return False
        if lease is not None and any(getattr(payout, k) != v for k, v in lease.items()):
            return False  # the lease was lost: whoever holds the payout now decides
        if payout.state in FINAL:
            raise PayoutError("outcome_conflict", state=payout.state, reported=outcome)
        previous = payout.state
        now = timezone.now()
        payout.state = outcome
        payout.failure_code = failure_code if outcome == State.FAILED else ""
        payout.settled_at = now
        payout.sending_since = None
        payout.next_attempt_at = None
        if outcome == State.PAID and payout.submitted_at is None:
            payout.submitted_at = now
        payout.save(
            update_fields=[
                "state",
                "failure_code",
                "settled_at",
                "sending_since",
                "next_attempt_at",
                "submitted_at",
                "updated_at",
            ]
        )
        why = detail or (f"{outcome}: {failure_code}" if failure_code else outcome)
        _event(payout, previous, outcome, source=source, reason=why)
        claim = Claim.objects.select_for_update().get(pk=payout.claim_id)
        if outcome == State.PAID:
            _record_withdrawal(claim, payout)
            claim_transition(
                claim=claim,
                to_status=Status.PAID,
                actor="system",
                reason=f"paid: transfer {reference} ({source})",
            )
        else:
            claim_transition(
                claim=claim,
                to_status=Status.PAYOUT_FAILED,
                actor="system",
                reason=f"payment failed: {failure_code}",
            )
    log.info("payout_settled", reference=reference, outcome=outcome, source=source)
    return True


def _record_withdrawal(claim: Claim, payout: Payout) -> None:
    """What is paid leaves the balance, with the claim's move (PP 46/2015 Art. 22, 26)."""
    try:
        withdrawal_record(
            participant=claim.participant,
            claim_reference=str(claim.public_id),
            reason=claim.reason,
            gross=payout.gross,
            paid_on=timezone.localdate(),
        )
    except WithdrawalError as exc:
        raise ClaimError(exc.code, **exc.params) from None


# --- officers -----------------------------------------------------------------------------


def payout_resume(*, payout: Payout, acting_user: Any, reason: str = "") -> Payout:
    """An officer resumes a held payout. One that may have reached the bank (it was
    handed over at least once) is asked about first, under its reference; one never
    handed over is queued. Either way its retry ladder starts again."""
    if payout.state != State.HELD:
        raise PayoutError("not_held", state=payout.state)
    to_state = State.UNKNOWN if payout.attempts else State.QUEUED
    next_attempt_at: datetime | None = timezone.now()
    if uses_file_rail(payout.bank_code):
        # A file bank's payout goes into the next file under the same reference (a bank
        # that did take the first refuses it as a duplicate); the API never touches it.
        to_state, next_attempt_at = State.QUEUED, None
    if not _move(
        payout,
        to_state,
        source="officer",
        reason=reason or "resumed by an officer",
        actor="officer",
        acting_user=acting_user,
        retries=0,
        next_attempt_at=next_attempt_at,
    ):
        raise PayoutError("not_held", state=Payout.objects.get(pk=payout.pk).state)
    return payout


__all__ = [
    "PayoutError",
    "SweepResult",
    "claim_approve",
    "payout_poll",
    "payout_requeue",
    "payout_resume",
    "payout_send",
    "payout_settle",
    "payouts_lease_due",
    "payouts_poll_due",
    "payouts_recover_stale",
    "payouts_send_due",
    "payouts_sweep",
]
