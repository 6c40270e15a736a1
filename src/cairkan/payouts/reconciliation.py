"""Daily reconciliation: what Cairkan recorded against what the bank answered and booked.

For one day (the service's time zone) it counts and sums, in integer rupiah, the payouts
that were approved (queued), handed to the bank (sent), accepted, paid and failed that day,
and the bank statement's debits and credits booked that day; then it lists every
difference, each with the reference, the claim and both amounts:

- ``paid_twice``: the statement debits one reference (or one claim) more than once;
- ``amount_differs``: the bank debited, or answered, another amount than the payout's net;
- ``unknown_reference``: a statement line no payout of Cairkan's carries;
- ``not_on_statement``: Cairkan has a payout paid that day the statement does not debit;
- ``debited_not_paid``: the statement debits a payout Cairkan does not have as paid;
- ``booked_other_day``: the bank booked that day a payout Cairkan recorded paid on another
  day (a cut-off difference: it explains the gap between the two totals);
- ``returned_but_paid``: the bank credited a transfer back that Cairkan has as paid;
- ``outcome_unknown``: a payout whose outcome is still open (sending, unknown, accepted)
  past the configured threshold at the end of the day;
- ``ledger_without_payout`` / ``payout_without_ledger`` / ``ledger_amount_differs``: the
  member's withdrawal ledger (PP 46/2015 Art. 22, 26) and the paid payouts disagree.

The work is split in three: ``reconcile`` is pure (facts in, report out) so every kind of
difference is tested without a bank; ``reconciliation_selectors`` reads the facts from the
database; the statement readers turn a bank's file into ``BankLine`` rows. Nothing here
changes a payout: differences are for a person to act on.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

from openpyxl import Workbook

Direction = Literal["debit", "credit"]
STAGES = ("approved", "sent", "accepted", "paid", "failed")
OPEN_STATES = frozenset({"sending", "unknown", "accepted"})

PAID_TWICE = "paid_twice"
AMOUNT_DIFFERS = "amount_differs"
UNKNOWN_REFERENCE = "unknown_reference"
NOT_ON_STATEMENT = "not_on_statement"
DEBITED_NOT_PAID = "debited_not_paid"
BOOKED_OTHER_DAY = "booked_other_day"
RETURNED_BUT_PAID = "returned_but_paid"
OUTCOME_UNKNOWN = "outcome_unknown"
LEDGER_WITHOUT_PAYOUT = "ledger_without_payout"
PAYOUT_WITHOUT_LEDGER = "payout_without_ledger"
LEDGER_AMOUNT_DIFFERS = "ledger_amount_differs"
KINDS = (
    PAID_TWICE,
    AMOUNT_DIFFERS,
    UNKNOWN_REFERENCE,
    NOT_ON_STATEMENT,
    DEBITED_NOT_PAID,
    BOOKED_OTHER_DAY,
    RETURNED_BUT_PAID,
    OUTCOME_UNKNOWN,
    LEDGER_WITHOUT_PAYOUT,
    PAYOUT_WITHOUT_LEDGER,
    LEDGER_AMOUNT_DIFFERS,
)


# --- facts --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PayoutFact:
    reference: str
    claim: str  # the claim's public id
    gross: int
    net: int
    state: str
    state_since: datetime  # when it entered its current state
    paid_on: date | None  # the day it was recorded paid (service time zone)
    # What the bank answered when it disagreed with the amount (the payout was held).
    answered_amount: int | None = None


@dataclass(frozen=True, slots=True)
class StageMove:
    """A payout's move into a stage on the day (from its events)."""

    reference: str
    stage: str  # one of STAGES
    net: int


@dataclass(frozen=True, slots=True)
class LedgerFact:
    claim: str  # the claim reference of the withdrawal: the claim's public id
    gross: int
    paid_on: date


@dataclass(frozen=True, slots=True)
class BankLine:
    reference: str  # the end-to-end reference Cairkan gave (partnerReferenceNo, EndToEndId)
    amount: int  # rupiah
    booked_on: date
    direction: Direction
    source: str  # file and line, for the person who checks


# --- the report ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Total:
    count: int = 0
    amount: int = 0


@dataclass(frozen=True, slots=True)
class Difference:
    kind: str  # one of KINDS
    reference: str
    claim: str
    expected: int | None  # what Cairkan has, rupiah
    found: int | None  # what the bank (or the ledger) has, rupiah
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Reconciliation:
    day: date
    stages: dict[str, Total]
    statement_given: bool
    debits: Total
    credits: Total
    differences: tuple[Difference, ...]
    lines_of_other_days: int = 0
    unknown_after: timedelta = field(default=timedelta(hours=2))

    @property
    def agrees(self) -> bool:
        """Paid and debited agree to the rupiah and nothing is listed."""
        return not self.differences and (
            not self.statement_given or self.debits == self.stages["paid"]
        )

    def count_of(self, kind: str) -> int:
        return sum(1 for d in self.differences if d.kind == kind)


def _total(amounts: Iterable[int]) -> Total:
    values = list(amounts)
    return Total(len(values), sum(values))


def reconcile(
    *,
    day: date,
    payouts: Sequence[PayoutFact],
    moves: Sequence[StageMove],
    ledger: Sequence[LedgerFact],
    statement: Sequence[BankLine] | None,
    as_of: datetime,
    unknown_after: timedelta,
) -> Reconciliation:
    """The day's report. ``payouts``: every payout the day's facts mention (the day's moves,
    the ledger's claims, the statement's references, those still open); ``ledger``: the
    withdrawals paid that day and those of the claims paid that day; ``as_of``: the end of
    the day, or now if the day is not over."""
    by_reference = {p.reference: p for p in payouts}
    by_claim: dict[str, list[PayoutFact]] = defaultdict(list)
    for payout in payouts:
        by_claim[payout.claim].append(payout)

    seen: dict[str, set[str]] = {stage: set() for stage in STAGES}
    stage_amounts: dict[str, list[int]] = {stage: [] for stage in STAGES}
    for move in moves:
        if move.reference not in seen[move.stage]:  # retries count once a day
            seen[move.stage].add(move.reference)
            stage_amounts[move.stage].append(move.net)
    stages = {stage: _total(stage_amounts[stage]) for stage in STAGES}

    differences: list[Difference] = []
    lines = [line for line in statement or () if line.booked_on == day]
    debits = [line for line in lines if line.direction == "debit"]
    credits = [line for line in lines if line.direction == "credit"]

    debited: dict[str, list[BankLine]] = defaultdict(list)
    for line in debits:
        debited[line.reference].append(line)
    for reference, found in debited.items():
        match = by_reference.get(reference)
        sources = ", ".join(line.source for line in found)
        if match is None:
            for line in found:
                differences.append(
                    Difference(UNKNOWN_REFERENCE, reference, "", None, line.amount, line.source)
                )
            continue
        if len(found) > 1:
            differences.append(
                Difference(
                    PAID_TWICE,
                    reference,
                    match.claim,
                    match.net,
                    sum(line.amount for line in found),
                    sources,
                )
            )
        for line in found:
            if line.amount != match.net:
                differences.append(
                    Difference(
                        AMOUNT_DIFFERS, reference, match.claim, match.net, line.amount, sources
                    )
                )
        if match.state != "paid":
            differences.append(
                Difference(
                    DEBITED_NOT_PAID,
                    reference,
                    match.claim,
                    None,
                    found[0].amount,
                    f"{match.state}; {sources}",
                )
            )
        elif match.paid_on != day:
            differences.append(
                Difference(
                    BOOKED_OTHER_DAY,
                    reference,
                    match.claim,
                    match.net,
                    found[0].amount,
                    f"paid {match.paid_on}; {sources}",
                )
            )
    # One claim debited under two references: paid twice even if each reference once.
    claims_debited = Counter(by_reference[ref].claim for ref in debited if ref in by_reference)
    for claim, times in claims_debited.items():
        if times > 1:
            refs = sorted(
                ref for ref in debited if ref in by_reference and by_reference[ref].claim == claim
            )
            differences.append(
                Difference(
                    PAID_TWICE,
                    ", ".join(refs),
                    claim,
                    max(by_reference[ref].net for ref in refs),
                    sum(line.amount for ref in refs for line in debited[ref]),
                    "one claim, two references",
                )
            )

    for line in credits:
        match = by_reference.get(line.reference)
        if match is None:
            differences.append(
                Difference(UNKNOWN_REFERENCE, line.reference, "", None, line.amount, line.source)
            )
        elif match.state == "paid":
            differences.append(
                Difference(
                    RETURNED_BUT_PAID,
                    line.reference,
                    match.claim,
                    match.net,
                    line.amount,
                    line.source,
                )
            )

    paid_today = [p for p in payouts if p.state == "paid" and p.paid_on == day]
    if statement is not None:
        for payout in paid_today:
            if payout.reference not in debited:
                differences.append(
                    Difference(NOT_ON_STATEMENT, payout.reference, payout.claim, payout.net, None)
                )

    for payout in payouts:
        if payout.answered_amount is not None and payout.answered_amount != payout.net:
            differences.append(
                Difference(
                    AMOUNT_DIFFERS,
                    payout.reference,
                    payout.claim,
                    payout.net,
                    payout.answered_amount,
                    "bank's answer",
                )
            )
        if payout.state in OPEN_STATES and as_of - payout.state_since > unknown_after:
            hours = (as_of - payout.state_since).total_seconds() / 3600
            differences.append(
                Difference(
                    OUTCOME_UNKNOWN,
                    payout.reference,
                    payout.claim,
                    payout.net,
                    None,
                    f"{payout.state} for {hours:.1f} h",
                )
            )

    ledger_by_claim = {entry.claim: entry for entry in ledger}
    for entry in ledger:
        if entry.paid_on != day:
            continue
        paid = [p for p in by_claim.get(entry.claim, ()) if p.state == "paid"]
        if not paid:
            differences.append(
                Difference(LEDGER_WITHOUT_PAYOUT, "", entry.claim, None, entry.gross)
            )
    for payout in paid_today:
        recorded = ledger_by_claim.get(payout.claim)
        if recorded is None:
            differences.append(
                Difference(
                    PAYOUT_WITHOUT_LEDGER, payout.reference, payout.claim, payout.gross, None
                )
            )
        elif recorded.gross != payout.gross:
            differences.append(
                Difference(
                    LEDGER_AMOUNT_DIFFERS,
                    payout.reference,
                    payout.claim,
                    payout.gross,
                    recorded.gross,
                )
            )

    order = {kind: i for i, kind in enumerate(KINDS)}
    differences.sort(key=lambda d: (order[d.kind], d.reference, d.claim))
    return Reconciliation(
        day=day,
        stages=stages,
        statement_given=statement is not None,
        debits=_total(line.amount for line in debits),
        credits=_total(line.amount for line in credits),
        differences=tuple(differences),
        lines_of_other_days=len(statement or ()) - len(lines),
        unknown_after=unknown_after,
    )


# --- statements ---------------------------------------------------------------------------


class StatementError(ValueError):
    """A statement file that cannot be read; ``str()`` says where and why, for an officer."""


CSV_COLUMNS = ("reference", "amount", "booked_on", "direction")


def _rupiah(value: str) -> int:
    """``1500000``, ``1500000.00`` or ``1500000,00`` → 1500000; a fraction of a rupiah,
    a negative or non-number → ValueError (Cairkan pays whole rupiah)."""
    text = value.strip().replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount != amount.to_integral_value():
        raise ValueError(f"{value!r} is not a whole, positive number of rupiah")
    return int(amount)


def read_statement_csv(data: bytes, source: str) -> list[BankLine]:
    """A bank statement as CSV with the columns ``reference, amount, booked_on,
    direction`` (``debit`` or ``credit``; empty means debit), one line per booking."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatementError(f"{source}: not UTF-8 text") from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:  # a field past the csv module's limit, a stray quote
        raise StatementError(f"{source}: not a CSV file ({exc})") from None
    header = tuple(cell.strip().lower() for cell in rows[0]) if rows else ()
    if header not in (CSV_COLUMNS[:3], CSV_COLUMNS):
        raise StatementError(f"{source}: the first line must be {','.join(CSV_COLUMNS)}")
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{source}:{number}"
        if len(row) < 3:
            raise StatementError(f"{where}: expected {len(CSV_COLUMNS)} columns")
        reference, amount, booked = (cell.strip() for cell in row[:3])
        direction = row[3].strip().lower() if len(row) > 3 else ""
        if not reference:
            raise StatementError(f"{where}: no reference")
        try:
            rupiah = _rupiah(amount)
            booked_on = date.fromisoformat(booked)
        except ValueError as exc:
            raise StatementError(f"{where}: {exc}") from None
        if direction not in ("", "debit", "credit"):
            raise StatementError(f"{where}: direction must be debit or credit")
        lines.append(
            BankLine(
                reference, rupiah, booked_on, "credit" if direction == "credit" else "debit", where
            )
        )
    return lines


# --- exports ------------------------------------------------------------------------------


def _rows(report: Reconciliation) -> list[tuple[str | int, ...]]:
    rows: list[tuple[str | int, ...]] = [
        ("rekonsiliasi/reconciliation", report.day.isoformat()),
        ("tahap/stage", "jumlah/count", "nilai/amount"),
    ]
    rows += [(stage, total.count, total.amount) for stage, total in report.stages.items()]
    if report.statement_given:
        rows.append(("bank debit", report.debits.count, report.debits.amount))
        rows.append(("bank credit", report.credits.count, report.credits.amount))
    else:
        rows.append(("bank", "tidak ada rekening koran/no statement", ""))
    rows.append(("selisih/differences", len(report.differences), ""))
    rows.append(())
    rows.append(
        (
            "jenis/kind",
            "referensi/reference",
            "klaim/claim",
            "Cairkan",
            "bank/ledger",
            "keterangan/detail",
        )
    )
    for d in report.differences:
        rows.append(
            (
                d.kind,
                d.reference,
                d.claim,
                "" if d.expected is None else d.expected,
                "" if d.found is None else d.found,
                d.detail,
            )
        )
    return rows


def reconciliation_csv(report: Reconciliation) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(_rows(report))
    return out.getvalue().encode("utf-8-sig")


def reconciliation_xlsx(report: Reconciliation) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = f"Rekonsiliasi {report.day.isoformat()}"
    for row in _rows(report):
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
