"""The tax withheld on JHT payments in a month, for the withholder's monthly tax return.

One line per member paid in the month (their payments added up, with the numbers of their
bukti potong), and the month's totals: count of payments, gross, tax, net. Read from the
withdrawal ledger (what was paid, on which day) and the paid claims (the tax the rules
decided, PP 68/2009 / UU PPh Art. 17), integer rupiah throughout. Exported as CSV (UTF-8
with BOM, for Excel) and XLSX.
"""

from __future__ import annotations

import csv
import io
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook

from cairkan.claims.models import Claim, Status
from cairkan.members.models import Withdrawal
from cairkan.payouts.tax_slips import slip_number


@dataclass(frozen=True, slots=True)
class TaxReportLine:
    nik: str
    full_name: str
    npwp: str  # the NPWP the member gave on the claim(s); "" when none
    payments: int
    gross: int
    tax: int
    net: int
    slip_numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TaxReport:
    year: int
    month: int
    lines: tuple[TaxReportLine, ...]

    @property
    def payments(self) -> int:
        return sum(line.payments for line in self.lines)

    @property
    def gross(self) -> int:
        return sum(line.gross for line in self.lines)

    @property
    def tax(self) -> int:
        return sum(line.tax for line in self.lines)

    @property
    def net(self) -> int:
        return sum(line.net for line in self.lines)


def parse_month(value: str) -> tuple[int, int]:
    """``2026-11`` → (2026, 11); anything else → ValueError."""
    year, sep, month = value.partition("-")
    if not (sep and len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()):
        raise ValueError(f"{value!r} is not a month like 2026-11")
    if not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} has no month {month}")
    return int(year), int(month)


def monthly_tax_report(*, year: int, month: int) -> TaxReport:
    """Payments made in ``year``-``month`` (by payment date), in three queries."""
    first = date(year, month, 1)
    last = date(year, month, monthrange(year, month)[1])
    withdrawals = list(
        Withdrawal.objects.filter(paid_on__range=(first, last))
        .select_related("participant")
        .order_by("participant__nik", "paid_on", "pk")
    )
    claims = {
        str(claim.public_id): claim
        for claim in Claim.objects.filter(
            status=Status.PAID,
            public_id__in=[w.claim_reference for w in withdrawals],
        )
    }
    by_member: dict[int, list[tuple[Withdrawal, Claim]]] = {}
    for withdrawal in withdrawals:
        claim = claims.get(withdrawal.claim_reference)
        # A ledger row with no paid claim is a reconciliation difference, not a tax line.
        if claim is not None:
            by_member.setdefault(withdrawal.participant_id, []).append((withdrawal, claim))
    lines = []
    for paid in by_member.values():
        participant = paid[0][0].participant
        npwps = sorted({claim.npwp for _, claim in paid if claim.npwp})
        lines.append(
            TaxReportLine(
                nik=participant.nik,
                full_name=participant.full_name,
                npwp=", ".join(npwps),
                payments=len(paid),
                gross=sum(claim.gross for _, claim in paid),
                tax=sum(claim.tax for _, claim in paid),
                net=sum(claim.net for _, claim in paid),
                slip_numbers=tuple(slip_number(w) for w, _ in paid),
            )
        )
    return TaxReport(year=year, month=month, lines=tuple(lines))


HEADER = (
    "NIK",
    "nama/name",
    "NPWP",
    "jumlah pembayaran/payments",
    "bruto/gross",
    "PPh dipotong/tax withheld",
    "neto/net",
    "nomor bukti potong/slip numbers",
)
TOTAL = "JUMLAH/TOTAL"


def _rows(report: TaxReport) -> list[tuple[str | int, ...]]:
    rows: list[tuple[str | int, ...]] = [HEADER]
    for line in report.lines:
        rows.append(
            (
                line.nik,
                line.full_name,
                line.npwp,
                line.payments,
                line.gross,
                line.tax,
                line.net,
                " ".join(line.slip_numbers),
            )
        )
    rows.append(
        (
            TOTAL,
            f"{report.year}-{report.month:02d}",
            "",
            report.payments,
            report.gross,
            report.tax,
            report.net,
            "",
        )
    )
    return rows


def tax_report_csv(report: TaxReport) -> bytes:
    """Integer rupiah without separators, a total row last; UTF-8 with BOM for Excel."""
    out = io.StringIO()
    csv.writer(out).writerows(_rows(report))
    return out.getvalue().encode("utf-8-sig")


def tax_report_xlsx(report: TaxReport) -> bytes:
    """The same rows as the CSV; amounts are whole numbers (no float), NIK and NPWP text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = f"PPh JHT {report.year}-{report.month:02d}"
    for row in _rows(report):
        sheet.append(list(row))
    for cell in sheet["A"] + sheet["C"]:
        cell.number_format = "@"  # 16 digits: Excel must not round a NIK to 6.30805E+15
    for column in "EFG":
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
