"""The host-to-host file rail: the day's payouts to a bank as one ISO 20022 pain.001
file, and the bank's pain.002 status reports and camt.054 notifications applied back.

Building: the queued payouts to a bank paid by file (``CAIRKAN_BANK_FILE_RAIL``) go into
one pain.001.001.09 validated against the official XSD; in one transaction the file is
recorded (``BankFile``) and each payout moves to ``accepted`` with an event naming the
file. The bytes are written to disk after that commits; a file lost on the way can be
written again byte for byte from its payouts (``bank_file_rewrite``).

Ingesting: a report is parsed hardened and refused whole (nothing changes) when it is
malformed, foreign, names a reference Cairkan did not send to that bank or another
amount. Otherwise, in ONE transaction, the ``BankFile`` row is written and every outcome
applied through ``payout_settle``; a crash anywhere in between rolls all of it back, and a
file seen before (same bytes, or its message id again) changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import structlog
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cairkan.claims.models import Claim, Status
from cairkan.claims.services import claim_transition
from cairkan.integrations.bank.iso20022.errors import BankFileRefused
from cairkan.integrations.bank.iso20022.pain001 import (
    BuiltFile,
    CreditTransfer,
    PayingAccount,
    build_pain001,
)
from cairkan.integrations.bank.iso20022.reports import (
    BankReport,
    Kind,
    Outcome,
    check_against,
    parse_report,
)
from cairkan.integrations.bank.iso20022.reports import Status as Reported
from cairkan.integrations.models import BankFile, BankFileKind
from cairkan.integrations.selectors import bank_file_sent, bank_file_with_content
from cairkan.integrations.services import BankFileSeen, bank_file_record
from cairkan.payouts.models import Payout, PayoutEvent, PayoutState
from cairkan.payouts.rails import file_rail_debtor
from cairkan.payouts.selectors import payouts_for_bulk_file
from cairkan.payouts.services import PayoutError, payout_settle

log = structlog.get_logger(__name__)

State = PayoutState
REMITTANCE = "JHT BPJS Ketenagakerjaan"  # what the member's statement shows


@dataclass(frozen=True)
class BuiltBankFile:
    record: BankFile
    content: bytes

    @property
    def file_name(self) -> str:
        return f"{self.record.message_id}.pain.001.xml"


@dataclass(frozen=True)
class Ingested:
    record: BankFile
    already: bool  # the same bytes were applied before: nothing changed now
    summary: dict[str, Any] = field(default_factory=dict)


def _source(message_id: str) -> str:
    return f"file {message_id}"


def _transfers(payouts: list[Payout]) -> list[CreditTransfer]:
    return [
        CreditTransfer(
            reference=payout.reference,
            amount=payout.net,
            creditor_name=payout.account_holder,
            creditor_account=payout.account_number,
            creditor_bank_code=payout.bank_code,
            remittance=REMITTANCE,
        )
        for payout in payouts
    ]


def _debtor(bank_code: str) -> PayingAccount:
    debtor = file_rail_debtor(bank_code)
    if debtor is None:
        raise BankFileRefused(
            "not_file_rail",
            f"bank {bank_code} is paid by API, not by file (CAIRKAN_BANK_FILE_RAIL)",
        )
    return debtor


def bank_file_build(
    *, bank_code: str, day: date, now: datetime | None = None
) -> BuiltBankFile | None:
    """The pain.001 for ``bank_code``'s queued payouts of ``day`` (``None``: none queued).

    Raises ``BankFileRefused`` (nothing changed) for a bank not paid by file or a file
    that does not validate."""
    debtor = _debtor(bank_code)
    now = now or timezone.now()
    with transaction.atomic():
        payouts = list(
            payouts_for_bulk_file(bank_code=bank_code, day=day).select_for_update(of=("self",))
        )
        if not payouts:
            return None
        prefix = f"CK{bank_code}{day:%Y%m%d}"
        sequence = BankFile.objects.filter(
            kind=BankFileKind.PAIN_001, bank_code=bank_code, message_id__startswith=prefix
        ).count()
        message_id = f"{prefix}{sequence + 1:03d}"
        built = build_pain001(
            message_id=message_id,
            created_at=now,
            execution_date=day,
            debtor=debtor,
            transfers=_transfers(payouts),
        )
        try:
            record = _record_sent(built, bank_code=bank_code, day=day, now=now)
        except BankFileSeen as seen:  # another build took this sequence number meanwhile
            raise BankFileRefused(
                "build_raced", f"{seen}: build again for the next sequence number"
            ) from None
        ids = [payout.pk for payout in payouts]
        Payout.objects.filter(pk__in=ids, state=State.QUEUED).update(
            state=State.ACCEPTED,
            attempts=F("attempts") + 1,
            submitted_at=now,
            next_attempt_at=None,  # the bank's report tells, not an API inquiry
            updated_at=now,
        )
        PayoutEvent.objects.bulk_create(
            PayoutEvent(
                payout_id=pk,
                from_state=State.QUEUED,
                to_state=State.ACCEPTED,
                actor="system",
                source=_source(message_id),
                reason="in the day's pain.001 file to the bank",
            )
            for pk in ids
        )
        # The claims stay "approved" until the bank answers: a file built is not yet a
        # transfer the bank has (the report's ACCP or a settlement moves them).
    log.info("bank_file_built", bank=bank_code, message_id=message_id, transfers=len(ids))
    return BuiltBankFile(record=record, content=built.content)


def _record_sent(built: BuiltFile, *, bank_code: str, day: date, now: datetime) -> BankFile:
    return bank_file_record(
        kind=BankFileKind.PAIN_001,
        bank_code=bank_code,
        message_id=built.message_id,
        content=built.content,
        name=f"{built.message_id}.pain.001.xml",
        transfers=built.transfers,
        total=built.total,
        summary={"execution_date": day.isoformat(), "created_at": now.isoformat()},
    )


def bank_file_rewrite(*, bank_code: str, message_id: str) -> BuiltBankFile:
    """The bytes of a pain.001 already recorded, made again from its payouts (a file
    lost between the commit and the disk). The same bytes or a refusal: the SHA-256
    must match the recorded one, so the bank's duplicate check sees the same file."""
    record = bank_file_sent(bank_code=bank_code, message_id=message_id)
    if record is None:
        raise BankFileRefused("unknown_file", f"no pain.001 {message_id} was sent to {bank_code}")
    payouts = list(
        Payout.objects.filter(
            events__source=_source(message_id), events__to_state=State.ACCEPTED
        ).order_by("pk")
    )
    built = build_pain001(
        message_id=message_id,
        created_at=datetime.fromisoformat(record.summary["created_at"]),
        execution_date=date.fromisoformat(record.summary["execution_date"]),
        debtor=_debtor(bank_code),
        transfers=_transfers(payouts),
    )
    if built.sha256 != record.sha256:
        raise BankFileRefused(
            "rewrite_differs",
            f"{message_id} made again differs from the file sent (payouts or the paying "
            "account changed since): ask the bank which file it holds",
        )
    return BuiltBankFile(record=record, content=built.content)


def bank_file_ingest(*, content: bytes, name: str = "", bank_code: str = "") -> Ingested:
    """Apply a bank's pain.002 or camt.054, once. Raises ``BankFileRefused`` (nothing
    changed) for a file not to use; returns ``already=True`` for one applied before."""
    seen = bank_file_with_content(content)
    if seen is not None:
        return Ingested(record=seen, already=True, summary=seen.summary)
    report = parse_report(content)
    references = {outcome.reference for outcome in report.outcomes}
    with transaction.atomic():
        # Locked in primary-key order, so two ingests of overlapping files cannot deadlock.
        payouts = {
            payout.reference: payout
            for payout in Payout.objects.select_for_update()
            .filter(reference__in=references)
            .exclude(state=State.QUEUED)  # never sent: a report cannot be about it
            .order_by("pk")
        }
        check_against(report, {reference: p.net for reference, p in payouts.items()})
        bank = _bank_of(report, payouts.values(), bank_code)
        try:
            record = bank_file_record(
                kind=report.kind.value,
                bank_code=bank,
                message_id=report.message_id,
                content=content,
                name=name,
                transfers=len(report.outcomes),
                total=sum(outcome.amount or 0 for outcome in report.outcomes),
            )
        except BankFileSeen as seen_now:
            if seen_now.same_content:  # the same file applied meanwhile by another worker
                return Ingested(
                    record=seen_now.existing, already=True, summary=seen_now.existing.summary
                )
            raise BankFileRefused("message_replayed", str(seen_now)) from None
        summary = _apply(report, payouts)
        record.summary = summary
        record.save(update_fields=["summary"])
    log.info(
        "bank_file_ingested",
        kind=report.kind.value,
        message_id=report.message_id,
        **{k: v for k, v in summary.items() if isinstance(v, int)},
    )
    return Ingested(record=record, already=False, summary=summary)


def _bank_of(report: BankReport, payouts: Iterable[Payout], bank_code: str) -> str:
    banks = {payout.bank_code for payout in payouts}
    if bank_code:
        banks.add(bank_code)
    if len(banks) > 1:
        raise BankFileRefused(
            "mixed_banks", f"the file names payouts of several banks: {', '.join(sorted(banks))}"
        )
    if not banks and report.kind is Kind.PAIN_002:
        # A whole-file answer (GrpSts) names no payout: the file it answers names the bank.
        banks = set(
            BankFile.objects.filter(
                kind=BankFileKind.PAIN_001, message_id=report.original_message_id
            ).values_list("bank_code", flat=True)
        )
    if not banks:
        raise BankFileRefused("no_bank", "the file names no payout: say which bank sent it")
    bank = banks.pop()
    if (
        report.kind is Kind.PAIN_002
        and bank_file_sent(bank_code=bank, message_id=report.original_message_id) is None
    ):
        raise BankFileRefused(
            "unknown_original",
            f"the report answers {report.original_message_id}, which Cairkan never sent "
            f"to bank {bank}",
        )
    return bank


def _apply(report: BankReport, payouts: dict[str, Payout]) -> dict[str, Any]:
    source = f"{report.kind.value} {report.message_id}"
    counts: Counter[str] = Counter()
    held: list[str] = []
    conflicts: list[str] = []
    for outcome in report.outcomes:
        if outcome.status in (Reported.PAID, Reported.FAILED):
            try:
                changed = payout_settle(
                    reference=outcome.reference,
                    outcome="paid" if outcome.status is Reported.PAID else "failed",
                    failure_code=outcome.failure_code,
                    source=source,
                    amount=outcome.amount,
                )
            except PayoutError as error:
                if error.code != "outcome_conflict":
                    raise
                # E.g. a return after a booked debit: listed for an officer, not forced.
                conflicts.append(outcome.reference)
                counts["conflicts"] += 1
                continue
            counts[outcome.status.value if changed else "unchanged"] += 1
        elif outcome.status is Reported.HELD:
            counts[
                "held" if _hold(payouts[outcome.reference], outcome, source) else "unchanged"
            ] += 1
            held.append(outcome.reference)
        else:
            _claim_being_paid(payouts[outcome.reference], outcome)
            counts["pending"] += 1
    summary: dict[str, Any] = {"outcomes": len(report.outcomes), **counts}
    if report.group_status:
        summary["group_status"] = report.group_status
    if held:
        summary["held"] = len(held)
        summary["held_references"] = held[:100]
    if conflicts:
        summary["conflict_references"] = conflicts[:100]
    return summary


def _claim_being_paid(payout: Payout, outcome: Outcome) -> None:
    """The bank has the transfer (accepted, in process): the claim reads "being paid"."""
    claim = Claim.objects.select_for_update().get(pk=payout.claim_id)
    if claim.status == Status.APPROVED:
        claim_transition(
            claim=claim,
            to_status=Status.PAYOUT_QUEUED,
            actor="system",
            reason=f"transfer {payout.reference} accepted by the bank ({outcome.iso_status})",
        )


def _hold(payout: Payout, outcome: Outcome, source: str) -> bool:
    """The bank refused for BPJS's own reason (funds, duplicate, the file): no member is
    asked for another account; an officer looks at the held payout."""
    previous = payout.state
    if previous in (State.PAID, State.FAILED, State.HELD):
        return False
    why = f"bank refused on the payer's side: {outcome.reason}"
    Payout.objects.filter(pk=payout.pk, state=previous).update(
        state=State.HELD, last_error=why, next_attempt_at=None, updated_at=timezone.now()
    )
    PayoutEvent.objects.create(
        payout=payout,
        from_state=previous,
        to_state=State.HELD,
        actor="system",
        source=source[:80],
        reason=why[:200],
    )
    return True
