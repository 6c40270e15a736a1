"""Daily reconciliation: stages counted and summed to the rupiah, every kind of difference
listed, statements read strictly, exports that open."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from backoffice_staff import officer, signed_in
from cairkan.members.services import withdrawal_record
from cairkan.payouts.models import Payout, PayoutEvent
from cairkan.payouts.reconciliation import (
    AMOUNT_DIFFERS,
    BOOKED_OTHER_DAY,
    DEBITED_NOT_PAID,
    KINDS,
    LEDGER_AMOUNT_DIFFERS,
    LEDGER_WITHOUT_PAYOUT,
    NOT_ON_STATEMENT,
    OUTCOME_UNKNOWN,
    PAID_TWICE,
    PAYOUT_WITHOUT_LEDGER,
    RETURNED_BUT_PAID,
    UNKNOWN_REFERENCE,
    BankLine,
    LedgerFact,
    PayoutFact,
    StageMove,
    StatementError,
    Total,
    read_statement_csv,
    reconcile,
    reconciliation_csv,
    reconciliation_xlsx,
)
from cairkan.payouts.reconciliation_selectors import reconciliation_for
from cairkan.payouts.services import payout_settle
from paid_claims import approved_claim, member, pay, payout_of

WITA = ZoneInfo("Asia/Makassar")
DAY = date(2026, 11, 27)
END = datetime(2026, 11, 28, 0, 0, tzinfo=WITA)
EARLY = datetime(2026, 11, 27, 9, 0, tzinfo=WITA)


def paid(reference: str, claim: str, net: int, tax: int = 0) -> PayoutFact:
    return PayoutFact(reference, claim, net + tax, net, "paid", EARLY, DAY)


def debit(reference: str, amount: int, n: int = 1, on: date = DAY) -> BankLine:
    return BankLine(reference, amount, on, "debit", f"statement.csv:{n}")


def ledger(claim: str, gross: int, on: date = DAY) -> LedgerFact:
    return LedgerFact(claim, gross, on)


def run(payouts, moves=(), ledger_rows=(), statement=(), unknown_after=timedelta(hours=2)):
    return reconcile(
        day=DAY,
        payouts=payouts,
        moves=moves,
        ledger=ledger_rows,
        statement=statement,
        as_of=END,
        unknown_after=unknown_after,
    )


# --- A clean day ----------------------------------------------------------------------


def test_a_clean_day_agrees_to_the_rupiah() -> None:
    payouts = [
        paid("CK1", "c1", 59_500_000, 500_000),
        paid("CK2", "c2", 12_345_678),
        PayoutFact("CK3", "c3", 7_000_000, 7_000_000, "failed", EARLY, None),
        PayoutFact("CK4", "c4", 1_000_001, 1_000_001, "accepted", END - timedelta(hours=1), None),
    ]
    moves = [
        *(StageMove(p.reference, "approved", p.net) for p in payouts),
        *(StageMove(p.reference, "sent", p.net) for p in payouts),
        # a retry sends CK3 again: still one payout sent
        StageMove("CK3", "sent", 7_000_000),
        StageMove("CK1", "accepted", 59_500_000),
        StageMove("CK4", "accepted", 1_000_001),
        StageMove("CK1", "paid", 59_500_000),
        StageMove("CK2", "paid", 12_345_678),
        StageMove("CK3", "failed", 7_000_000),
    ]
    report = run(
        payouts,
        moves,
        [ledger("c1", 60_000_000), ledger("c2", 12_345_678)],
        [debit("CK1", 59_500_000, 2), debit("CK2", 12_345_678, 3)],
    )
    assert report.stages == {
        "approved": Total(4, 79_845_679),
        "sent": Total(4, 79_845_679),
        "accepted": Total(2, 60_500_001),
        "paid": Total(2, 71_845_678),
        "failed": Total(1, 7_000_000),
    }
    assert report.debits == Total(2, 71_845_678) == report.stages["paid"]
    assert report.differences == ()
    assert report.agrees


# --- Each kind of difference ----------------------------------------------------------


def kinds(report) -> list[str]:
    return [d.kind for d in report.differences]


def test_a_payout_debited_twice_is_listed_with_both_amounts() -> None:
    report = run(
        [paid("CK1", "c1", 1_000_000)],
        [StageMove("CK1", "paid", 1_000_000)],
        [ledger("c1", 1_000_000)],
        [debit("CK1", 1_000_000, 2), debit("CK1", 1_000_000, 3)],
    )
    assert kinds(report) == [PAID_TWICE]
    twice = report.differences[0]
    assert (twice.reference, twice.claim, twice.expected, twice.found) == (
        "CK1",
        "c1",
        1_000_000,
        2_000_000,
    )
    assert report.debits == Total(2, 2_000_000) != report.stages["paid"]
    assert not report.agrees


def test_one_claim_debited_under_two_references_is_paid_twice() -> None:
    # The first payout failed for Cairkan but the bank paid it; the second paid too.
    report = run(
        [
            PayoutFact("CK1", "c1", 1_000_000, 1_000_000, "failed", EARLY, None),
            paid("CK2", "c1", 1_000_000),
        ],
        [StageMove("CK2", "paid", 1_000_000)],
        [ledger("c1", 1_000_000)],
        [debit("CK1", 1_000_000, 2), debit("CK2", 1_000_000, 3)],
    )
    assert sorted(kinds(report)) == sorted([PAID_TWICE, DEBITED_NOT_PAID])
    twice = next(d for d in report.differences if d.kind == PAID_TWICE)
    assert (twice.claim, twice.found) == ("c1", 2_000_000)


def test_a_payout_paid_with_another_amount() -> None:
    report = run(
        [paid("CK1", "c1", 1_000_000)],
        [StageMove("CK1", "paid", 1_000_000)],
        [ledger("c1", 1_000_000)],
        [debit("CK1", 1_000_100)],
    )
    assert kinds(report) == [AMOUNT_DIFFERS]
    assert (report.differences[0].expected, report.differences[0].found) == (1_000_000, 1_000_100)


def test_the_banks_answer_with_another_amount_is_listed_too() -> None:
    held = PayoutFact("CK1", "c1", 1_000_000, 1_000_000, "held", EARLY, None, 999_000)
    report = run([held], statement=None)
    assert kinds(report) == [AMOUNT_DIFFERS]
    assert report.differences[0].found == 999_000


def test_a_bank_record_with_no_payout() -> None:
    report = run([], statement=[debit("XX-NOT-OURS", 5_000_000)])
    assert kinds(report) == [UNKNOWN_REFERENCE]
    assert report.differences[0].found == 5_000_000
    assert report.differences[0].detail == "statement.csv:1"


def test_a_paid_payout_missing_from_the_statement() -> None:
    report = run(
        [paid("CK1", "c1", 1_000_000)],
        [StageMove("CK1", "paid", 1_000_000)],
        [ledger("c1", 1_000_000)],
        [],
    )
    assert kinds(report) == [NOT_ON_STATEMENT]
    # without a statement the bank side is not compared at all
    assert kinds(run([paid("CK1", "c1", 1_000_000)], [], [ledger("c1", 1_000_000)], None)) == []


def test_a_debit_for_a_payout_cairkan_does_not_have_as_paid() -> None:
    unknown = PayoutFact(
        "CK1", "c1", 1_000_000, 1_000_000, "unknown", END - timedelta(hours=1), None
    )
    report = run([unknown], statement=[debit("CK1", 1_000_000)])
    assert kinds(report) == [DEBITED_NOT_PAID]


def test_a_payout_paid_yesterday_and_booked_today_explains_the_gap() -> None:
    yesterday = PayoutFact(
        "CK0", "c0", 2_000_000, 2_000_000, "paid", EARLY, DAY - timedelta(days=1)
    )
    report = run(
        [paid("CK1", "c1", 1_000_000), yesterday],
        [StageMove("CK1", "paid", 1_000_000)],
        [ledger("c1", 1_000_000)],
        [debit("CK1", 1_000_000, 1), debit("CK0", 2_000_000, 2)],
    )
    assert kinds(report) == [BOOKED_OTHER_DAY]
    gap = report.debits.amount - report.stages["paid"].amount
    assert gap == report.differences[0].found == 2_000_000


def test_money_returned_for_a_payout_cairkan_has_as_paid() -> None:
    returned = BankLine("CK1", 1_000_000, DAY, "credit", "statement.csv:2")
    report = run(
        [paid("CK1", "c1", 1_000_000)],
        [StageMove("CK1", "paid", 1_000_000)],
        [ledger("c1", 1_000_000)],
        [debit("CK1", 1_000_000, 1), returned],
    )
    assert kinds(report) == [RETURNED_BUT_PAID]
    assert report.credits == Total(1, 1_000_000)


@pytest.mark.parametrize("state", ["unknown", "sending", "accepted"])
def test_a_payout_stuck_with_an_open_outcome_past_the_threshold(state: str) -> None:
    stuck = PayoutFact("CK1", "c1", 1_000_000, 1_000_000, state, END - timedelta(hours=3), None)
    fresh = PayoutFact("CK2", "c2", 1_000_000, 1_000_000, state, END - timedelta(minutes=90), None)
    report = run([stuck, fresh], statement=None)
    assert kinds(report) == [OUTCOME_UNKNOWN]
    assert report.differences[0].reference == "CK1"
    assert "3.0 h" in report.differences[0].detail


def test_a_ledger_withdrawal_without_a_paid_payout() -> None:
    report = run([], [], [ledger("c9", 2_000_000)], None)
    assert kinds(report) == [LEDGER_WITHOUT_PAYOUT]
    assert (report.differences[0].claim, report.differences[0].found) == ("c9", 2_000_000)


def test_a_paid_payout_without_its_ledger_withdrawal() -> None:
    report = run([paid("CK1", "c1", 1_000_000)], [StageMove("CK1", "paid", 1_000_000)], [], None)
    assert kinds(report) == [PAYOUT_WITHOUT_LEDGER]


def test_a_ledger_withdrawal_of_another_amount() -> None:
    report = run(
        [paid("CK1", "c1", 950_000, 50_000)],
        [StageMove("CK1", "paid", 950_000)],
        [ledger("c1", 990_000)],
        None,
    )
    assert kinds(report) == [LEDGER_AMOUNT_DIFFERS]
    assert (report.differences[0].expected, report.differences[0].found) == (1_000_000, 990_000)


def test_lines_booked_another_day_are_counted_not_matched() -> None:
    report = run(
        [paid("CK1", "c1", 1_000_000)],
        [StageMove("CK1", "paid", 1_000_000)],
        [ledger("c1", 1_000_000)],
        [debit("CK1", 1_000_000), debit("CK0", 5, on=DAY - timedelta(days=1))],
    )
    assert report.differences == ()
    assert report.lines_of_other_days == 1


# --- Statements -------------------------------------------------------------------------


def test_a_statement_csv_is_read_in_whole_rupiah() -> None:
    data = (
        "reference,amount,booked_on,direction\n"
        "CK1,1500000.00,2026-11-27,debit\n"
        "CK2,250000,2026-11-27,\n"
        'CK3,"99,00",2026-11-27,credit\n'
    ).encode("utf-8-sig")
    lines = read_statement_csv(data, "bank.csv")
    assert [(x.reference, x.amount, x.direction) for x in lines] == [
        ("CK1", 1_500_000, "debit"),
        ("CK2", 250_000, "debit"),
        ("CK3", 99, "credit"),
    ]
    assert lines[0].source == "bank.csv:2"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("ref,amt\nCK1,1\n", "bank.csv: the first line"),
        ("reference,amount,booked_on\nCK1,1.50,2026-11-27\n", "bank.csv:2"),
        ("reference,amount,booked_on\nCK1,-5,2026-11-27\n", "bank.csv:2"),
        ("reference,amount,booked_on\nCK1,1e3x,2026-11-27\n", "bank.csv:2"),
        ("reference,amount,booked_on\nCK1,NaN,2026-11-27\n", "bank.csv:2"),
        ("reference,amount,booked_on\nCK1,5,2026-02-30\n", "bank.csv:2"),
        ("reference,amount,booked_on\n,5,2026-11-27\n", "bank.csv:2"),
        ("reference,amount,booked_on,direction\nCK1,5,2026-11-27,sideways\n", "bank.csv:2"),
    ],
)
def test_a_bad_statement_is_refused_saying_where(body: str, where: str) -> None:
    with pytest.raises(StatementError) as refused:
        read_statement_csv(body.encode(), "bank.csv")
    assert str(refused.value).startswith(where)


def test_a_statement_with_a_giant_field_is_refused_not_a_crash() -> None:
    body = "reference,amount,booked_on\n" + "X" * 200_000 + ",1,2026-11-27\n"
    with pytest.raises(StatementError, match="not a CSV file"):
        read_statement_csv(body.encode(), "bank.csv")


def test_a_statement_that_is_not_text_is_refused() -> None:
    with pytest.raises(StatementError, match="not UTF-8"):
        read_statement_csv(b"\xff\xfe\x00PK\x03\x04", "bank.csv")


# --- Exports ----------------------------------------------------------------------------


def a_day_with_differences():
    return run(
        [paid("CK1", "c1", 1_000_000), paid("CK2", "c2", 3_000_000)],
        [StageMove("CK1", "paid", 1_000_000), StageMove("CK2", "paid", 3_000_000)],
        [ledger("c1", 1_000_000), ledger("c2", 3_000_000)],
        [debit("CK1", 1_000_000, 2), debit("CK1", 1_000_000, 3), debit("ZZ", 7, 4)],
    )


def test_the_csv_export_lists_stages_and_every_difference() -> None:
    report = a_day_with_differences()
    rows = list(csv.reader(io.StringIO(reconciliation_csv(report).decode("utf-8-sig"))))
    stages = {row[0]: (int(row[1]), int(row[2])) for row in rows[2:7]}
    assert stages["paid"] == (2, 4_000_000)
    assert rows[7] == ["bank debit", "3", "2000007"]
    listed = [row[0] for row in rows if row and row[0] in KINDS]
    assert sorted(listed) == sorted(kinds(report))
    assert sorted(listed) == sorted([PAID_TWICE, UNKNOWN_REFERENCE, NOT_ON_STATEMENT])


def test_the_xlsx_export_opens_with_the_same_integers() -> None:
    report = a_day_with_differences()
    sheet = load_workbook(io.BytesIO(reconciliation_xlsx(report))).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ("rekonsiliasi/reconciliation", "2026-11-27")
    stages = {row[0]: row[1:3] for row in rows[2:7]}
    assert stages["paid"] == (2, 4_000_000)
    twice = next(row for row in rows if row[0] == PAID_TWICE)
    assert twice[1:5] == ("CK1", "c1", 1_000_000, 2_000_000)
    assert isinstance(twice[4], int)


# --- From the database: the payouts' own records ----------------------------------------

WITHHELD = 500_000


@pytest.fixture
def today_s_payouts(db):
    """Approved today: one paid, one failed (closed account), one still queued."""
    paid_claim = approved_claim(member(), gross=60_000_000, tax=WITHHELD)
    failed_claim = approved_claim(member(), gross=7_000_000, tax=0)
    queued_claim = approved_claim(member(), gross=1_234_567, tax=0)
    pay(paid_claim)
    failed = payout_of(failed_claim)
    payout_settle(
        reference=failed.reference, outcome="failed", failure_code="account_closed", source="test"
    )
    return {
        "paid": payout_of(paid_claim),
        "failed": Payout.objects.get(pk=failed.pk),
        "queued": payout_of(queued_claim),
    }


def statement_line(payout: Payout, amount: int | None = None, n: int = 1) -> BankLine:
    return BankLine(
        payout.reference,
        payout.net if amount is None else amount,
        timezone.localdate(),
        "debit",
        f"bank.csv:{n}",
    )


def test_a_day_from_the_database_agrees_with_its_statement(today_s_payouts) -> None:
    paid = today_s_payouts["paid"]
    report = reconciliation_for(day=timezone.localdate(), statement=[statement_line(paid)])
    assert report.stages["approved"] == Total(3, 59_500_000 + 7_000_000 + 1_234_567)
    assert report.stages["paid"] == Total(1, 59_500_000) == report.debits
    assert report.stages["failed"] == Total(1, 7_000_000)
    assert report.differences == ()
    assert report.agrees


def test_differences_from_the_database_are_listed(today_s_payouts) -> None:
    paid, failed = today_s_payouts["paid"], today_s_payouts["failed"]
    # A withdrawal in the ledger for a claim whose payout is not paid.
    stray = approved_claim(member(), gross=2_000_000, tax=0)
    withdrawal_record(
        participant=stray.participant,
        claim_reference=str(stray.public_id),
        reason=stray.reason,
        gross=stray.gross,
        paid_on=timezone.localdate(),
    )
    # A payout whose outcome has been unknown for three hours.
    lost = payout_of(approved_claim(member(), gross=3_000_000, tax=0))
    Payout.objects.filter(pk=lost.pk).update(state="unknown")
    PayoutEvent.objects.create(
        payout=lost, from_state="sending", to_state="unknown", actor="system"
    )
    PayoutEvent.objects.filter(payout=lost, to_state="unknown").update(
        at=timezone.now() - timedelta(hours=3)
    )
    # The bank answered another amount: payouts held it.
    held = payout_of(approved_claim(member(), gross=4_000_000, tax=0))
    Payout.objects.filter(pk=held.pk).update(
        state="held", last_error="amount_mismatch: {'expected': 4000000, 'reported': 3999000}"
    )
    statement = [
        statement_line(paid, n=1),
        statement_line(paid, n=2),  # debited twice
        statement_line(failed, n=3),  # the bank paid what Cairkan has as failed
        BankLine("NOT-OURS-1", 12_345, timezone.localdate(), "debit", "bank.csv:4"),
    ]
    report = reconciliation_for(day=timezone.localdate(), statement=statement)
    found = {(d.kind, d.reference or d.claim) for d in report.differences}
    assert found == {
        (PAID_TWICE, paid.reference),
        (DEBITED_NOT_PAID, failed.reference),
        (UNKNOWN_REFERENCE, "NOT-OURS-1"),
        (OUTCOME_UNKNOWN, lost.reference),
        (AMOUNT_DIFFERS, held.reference),
        (LEDGER_WITHOUT_PAYOUT, str(stray.public_id)),
    }
    twice = next(d for d in report.differences if d.kind == PAID_TWICE)
    assert (twice.expected, twice.found) == (59_500_000, 119_000_000)
    assert not report.agrees


def test_a_payout_paid_yesterday_on_todays_statement_is_found_by_its_reference(db) -> None:
    claim = pay(approved_claim(member(), gross=3_000_000, tax=0))
    payout = payout_of(claim)
    yesterday = timezone.now() - timedelta(days=1)
    PayoutEvent.objects.filter(payout=payout).update(at=yesterday)
    Payout.objects.filter(pk=payout.pk).update(settled_at=yesterday)
    report = reconciliation_for(day=timezone.localdate(), statement=[statement_line(payout)])
    assert report.stages["paid"] == Total(0, 0)
    assert [(d.kind, d.reference) for d in report.differences] == [
        (BOOKED_OTHER_DAY, payout.reference)
    ]


def test_a_paid_payout_whose_ledger_row_is_missing(today_s_payouts) -> None:
    # As if the ledger write had been lost: the payout says paid, the ledger says nothing.
    lone = payout_of(approved_claim(member(), gross=5_000_000, tax=0))
    Payout.objects.filter(pk=lone.pk).update(state="paid", settled_at=timezone.now())
    PayoutEvent.objects.create(payout=lone, from_state="accepted", to_state="paid", actor="system")
    report = reconciliation_for(day=timezone.localdate(), statement=None)
    assert [(d.kind, d.reference) for d in report.differences] == [
        (PAYOUT_WITHOUT_LEDGER, lone.reference)
    ]


# --- The command --------------------------------------------------------------------------


def test_the_command_prints_the_day_and_exits_3_on_differences(today_s_payouts, tmp_path) -> None:
    paid = today_s_payouts["paid"]
    day = timezone.localdate().isoformat()
    good = tmp_path / "bank.csv"
    good.write_text(
        f"reference,amount,booked_on,direction\n{paid.reference},{paid.net}.00,{day},debit\n"
    )
    out = io.StringIO()
    call_command("reconcile", "--date", day, "--statement", str(good), stdout=out)
    assert "Agrees: no differences." in out.getvalue()
    assert "59,500,000" in out.getvalue()

    twice = tmp_path / "twice.csv"
    twice.write_text(good.read_text() + f"{paid.reference},{paid.net},{day},debit\n")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("reconcile", "--date", day, "--statement", str(twice), stdout=out)
    assert exited.value.code == 3
    assert "paid_twice" in out.getvalue()


def test_the_command_writes_an_xlsx_that_opens(today_s_payouts, tmp_path) -> None:
    target = tmp_path / "day.xlsx"
    day = timezone.localdate().isoformat()
    call_command("reconcile", "--date", day, "--format", "xlsx", "--output", str(target))
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][1] == day
    assert {row[0]: row[1] for row in rows[2:7]}["approved"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-02-30"], "--date"),
        (["--date", "27-11-2026"], "--date"),
        (["--date", "2026-11-27", "--statement", "/nonexistent/bank.csv"], "bank.csv"),
    ],
)
def test_the_command_refuses_bad_input_clearly(db, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("reconcile", *args)


def test_the_command_refuses_a_bad_statement_naming_the_line(db, tmp_path) -> None:
    bad = tmp_path / "bank.csv"
    bad.write_text("reference,amount,booked_on\nCK1,12.5,2026-11-27\n")
    with pytest.raises(CommandError, match=r"bank.csv:2"):
        call_command("reconcile", "--date", "2026-11-27", "--statement", str(bad))


# --- The supervisors' pages ---------------------------------------------------------------

RECONCILIATION = "/kantor/rekonsiliasi/"
TAX = "/kantor/pajak/"


def test_a_supervisor_reconciles_the_day_against_an_uploaded_statement(today_s_payouts) -> None:
    paid, failed = today_s_payouts["paid"], today_s_payouts["failed"]
    client = signed_in(officer("penyelia", "Penyelia"))
    day = timezone.localdate().isoformat()
    page = client.get(RECONCILIATION, {"tanggal": day})
    assert page.status_code == 200
    assert "Rp 59.500.000" in page.content.decode()
    statement = (
        "reference,amount,booked_on,direction\n"
        f"{paid.reference},{paid.net},{day},debit\n"
        f"{failed.reference},{failed.net},{day},debit\n"
    ).encode()
    upload = SimpleUploadedFile("bank.csv", statement, "text/csv")
    page = client.post(RECONCILIATION, {"tanggal": day, "statement": upload})
    assert page.status_code == 200
    text = page.content.decode()
    assert failed.reference in text
    assert "Didebit bank, belum dibayar di Cairkan" in text  # the difference, in Indonesian
    upload = SimpleUploadedFile("bank.csv", statement, "text/csv")
    export = client.post(RECONCILIATION, {"tanggal": day, "statement": upload, "format": "xlsx"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert any(row[0] == DEBITED_NOT_PAID and row[1] == failed.reference for row in rows)


def test_the_reconciliation_refuses_bad_input_with_a_message(db) -> None:
    client = signed_in(officer("penyelia", "Penyelia"))
    page = client.get(RECONCILIATION, {"tanggal": "30-02-2026"})
    assert page.status_code == 400
    assert "tahun-bulan-tanggal" in page.content.decode()
    upload = SimpleUploadedFile("bank.csv", b"reference,amount,booked_on\nCK1,1.5,2026-11-27\n")
    page = client.post(RECONCILIATION, {"tanggal": "2026-11-27", "statement": upload})
    assert page.status_code == 400
    assert "bank.csv:2" in page.content.decode()


@pytest.mark.parametrize("role", ["Verifikator", "Petugas loket"])
@pytest.mark.parametrize("url", [RECONCILIATION, TAX, TAX + "?format=xlsx"])
def test_an_officer_without_the_right_is_refused(db, role: str, url: str) -> None:
    client = signed_in(officer("tanpa-hak", role))
    assert client.get(url).status_code == 403
    assert client.post(RECONCILIATION, {"format": "csv"}).status_code == 403


def test_signed_out_or_password_only_staff_see_no_money_page(db) -> None:
    penyelia = officer("pw-only", "Penyelia")
    password_only = Client()
    password_only.force_login(penyelia)  # no second factor
    for url in (RECONCILIATION, TAX):
        for client in (Client(), password_only):
            response = client.get(url)
            assert response.status_code == 302
            assert "/kantor/masuk/" in response["Location"]


def test_a_supervisor_downloads_the_months_tax_report(db) -> None:
    from paid_claims import paid_claim

    paid_claim(member("Siti Rahmawati"), gross=60_000_000, tax=500_000, on=date(2026, 11, 2))
    client = signed_in(officer("penyelia", "Penyelia"))
    page = client.get(TAX, {"bulan": "2026-11"})
    assert page.status_code == 200
    assert "Siti Rahmawati" in page.content.decode()
    assert "Rp 500.000" in page.content.decode()
    export = client.get(TAX, {"bulan": "2026-11", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[-1][5] == 500_000
    assert client.get(TAX, {"bulan": "2026-13"}).status_code == 400
