"""The monthly report of tax withheld on JHT payments: per member lines, sums to the rupiah,
CSV and XLSX that read back to the same integers."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cairkan.members.services import withdrawal_record
from cairkan.payouts.tax_report import (
    monthly_tax_report,
    parse_month,
    tax_report_csv,
    tax_report_xlsx,
)
from paid_claims import approved_claim, member, paid_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def november() -> dict[str, object]:
    siti = member("Siti Rahmawati", balance=900_000_000)
    budi = member("Budi Santoso")
    # Siti: a partial in November, then her final claim in the same month.
    paid_claim(siti, gross=40_000_000, tax=0, on=date(2026, 11, 3), reason="partial_10")
    paid_claim(siti, gross=60_000_000, tax=2_500_000, on=date(2026, 11, 27), npwp="123456782012345")
    paid_claim(budi, gross=123_456_789, tax=3_672_839, on=date(2026, 11, 30))
    # Outside the month, either side.
    paid_claim(member(), gross=70_000_000, tax=1_000_000, on=date(2026, 10, 31))
    paid_claim(member(), gross=70_000_000, tax=1_000_000, on=date(2026, 12, 1))
    return {"siti": siti, "budi": budi}


def test_the_month_adds_up_per_member_and_in_total(november) -> None:
    report = monthly_tax_report(year=2026, month=11)
    lines = {line.nik: line for line in report.lines}
    siti, budi = november["siti"], november["budi"]
    assert set(lines) == {siti.nik, budi.nik}
    assert (lines[siti.nik].payments, lines[siti.nik].gross, lines[siti.nik].tax) == (
        2,
        100_000_000,
        2_500_000,
    )
    assert lines[siti.nik].net == 97_500_000
    assert lines[siti.nik].npwp == "123456782012345"
    assert len(set(lines[siti.nik].slip_numbers)) == 2
    assert (lines[budi.nik].gross, lines[budi.nik].tax, lines[budi.nik].net) == (
        123_456_789,
        3_672_839,
        119_783_950,
    )
    assert report.payments == 3
    assert report.gross == 223_456_789
    assert report.tax == 6_172_839
    assert report.net == report.gross - report.tax


def test_a_ledger_row_without_a_paid_claim_is_not_taxed_here(november) -> None:
    # Recorded in the ledger while its claim is still "approved": reconciliation lists it.
    stray = approved_claim(member(), gross=10_000_000, tax=0)
    withdrawal_record(
        participant=stray.participant,
        claim_reference=str(stray.public_id),
        reason=stray.reason,
        gross=stray.gross,
        paid_on=date(2026, 11, 10),
    )
    report = monthly_tax_report(year=2026, month=11)
    assert stray.participant.nik not in {line.nik for line in report.lines}
    assert report.payments == 3


def test_the_csv_reads_back_to_the_same_integers(november) -> None:
    report = monthly_tax_report(year=2026, month=11)
    rows = list(csv.reader(io.StringIO(tax_report_csv(report).decode("utf-8-sig"))))
    assert rows[0][0] == "NIK"
    total = rows[-1]
    assert total[0] == "JUMLAH/TOTAL"
    assert [int(v) for v in total[3:7]] == [3, 223_456_789, 6_172_839, 217_283_950]
    assert sum(int(row[5]) for row in rows[1:-1]) == 6_172_839


def test_the_xlsx_opens_and_keeps_nik_as_text_and_rupiah_exact(november) -> None:
    report = monthly_tax_report(year=2026, month=11)
    sheet = load_workbook(io.BytesIO(tax_report_xlsx(report))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "NIK"
    niks = {row[0] for row in rows[1:-1]}
    assert niks == {november["siti"].nik, november["budi"].nik}
    assert all(isinstance(row[5], int) for row in rows[1:])
    assert rows[-1][3:7] == (3, 223_456_789, 6_172_839, 217_283_950)


def test_an_empty_month_is_an_empty_report_with_zero_totals() -> None:
    report = monthly_tax_report(year=2026, month=2)
    assert (report.payments, report.gross, report.tax) == (0, 0, 0)
    rows = list(csv.reader(io.StringIO(tax_report_csv(report).decode("utf-8-sig"))))
    assert len(rows) == 2


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "202611", "2026/11", "", "abcd-ef"])
def test_a_month_must_be_written_year_dash_month(value: str) -> None:
    with pytest.raises(ValueError):
        parse_month(value)


def test_a_month_written_right_is_read() -> None:
    assert parse_month("2026-11") == (2026, 11)


def test_the_command_writes_the_month(november, tmp_path) -> None:
    out = io.StringIO()
    call_command("tax_report", "--month", "2026-11", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[-1][3:7] == ["3", "223456789", "6172839", "217283950"]
    target = tmp_path / "pph.xlsx"
    call_command("tax_report", "--month", "2026-11", "--format", "xlsx", "--output", str(target))
    assert list(load_workbook(target).active.iter_rows(values_only=True))[-1][5] == 6_172_839


def test_the_command_refuses_a_bad_month() -> None:
    with pytest.raises(CommandError, match="--month"):
        call_command("tax_report", "--month", "2026-13")
