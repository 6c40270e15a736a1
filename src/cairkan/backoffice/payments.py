"""Supervisors' money pages under /kantor/: the day's reconciliation with the bank and the
month's tax withheld, each on screen and as CSV/XLSX (docs/payments.md, "Reconciliation
and tax"). Reading payouts and the bank's records needs ``payouts.view_payout``."""

from __future__ import annotations

from typing import Any

import structlog
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cairkan.backoffice.access import staff_required
from cairkan.jht.messages import rupiah
from cairkan.members.statements import parse_iso_date
from cairkan.payouts import reconciliation as recon
from cairkan.payouts.reconciliation_selectors import reconciliation_for
from cairkan.payouts.tax_report import (
    monthly_tax_report,
    parse_month,
    tax_report_csv,
    tax_report_xlsx,
)

log = structlog.get_logger(__name__)
PERMISSION = "payouts.view_payout"
MAX_STATEMENT_BYTES = 20 * 1024 * 1024  # a day's statement for 100 000 payouts: ~6 MB CSV
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

STAGE_LABELS = {
    "approved": gettext_lazy("Approved (payout queued)"),
    "sent": gettext_lazy("Sent to the bank"),
    "accepted": gettext_lazy("Accepted by the bank"),
    "paid": gettext_lazy("Paid"),
    "failed": gettext_lazy("Failed"),
}
DIFFERENCE_LABELS = {
    recon.PAID_TWICE: gettext_lazy("Paid twice"),
    recon.AMOUNT_DIFFERS: gettext_lazy("Paid with another amount"),
    recon.UNKNOWN_REFERENCE: gettext_lazy("Bank record with no payout"),
    recon.NOT_ON_STATEMENT: gettext_lazy("Paid in Cairkan, not on the bank statement"),
    recon.DEBITED_NOT_PAID: gettext_lazy("Debited by the bank, not paid in Cairkan"),
    recon.BOOKED_OTHER_DAY: gettext_lazy("Booked by the bank on another day than paid"),
    recon.RETURNED_BUT_PAID: gettext_lazy("Returned by the bank, paid in Cairkan"),
    recon.OUTCOME_UNKNOWN: gettext_lazy("Outcome still unknown"),
    recon.LEDGER_WITHOUT_PAYOUT: gettext_lazy("Withdrawal in the ledger without a paid payout"),
    recon.PAYOUT_WITHOUT_LEDGER: gettext_lazy("Paid payout missing from the ledger"),
    recon.LEDGER_AMOUNT_DIFFERS: gettext_lazy("Ledger amount differs from the payout"),
}


def _rupiah(amount: int | None) -> str:
    language = "en" if (get_language() or "id").startswith("en") else "id"
    return "-" if amount is None else rupiah(amount, language)


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@staff_required(PERMISSION)
def reconciliation(request: HttpRequest) -> HttpResponse:
    """GET: the day as Cairkan recorded it. POST: the same against an uploaded statement
    (nothing is stored; the export buttons post the file again)."""
    data = request.POST if request.method == "POST" else request.GET
    raw_day = data.get("tanggal", "")
    errors: list[str] = []
    day = timezone.localdate()
    if raw_day:
        try:
            day = parse_iso_date(raw_day)
        except ValueError:
            errors.append(
                _("Write the date as year-month-day, like %(example)s.")
                % {"example": day.isoformat()}
            )
    statement: list[recon.BankLine] | None = None
    upload = request.FILES.get("statement") if request.method == "POST" else None
    if upload is not None:
        if upload.size is not None and upload.size > MAX_STATEMENT_BYTES:
            errors.append(_("The statement file is larger than 20 MB."))
        else:
            try:
                statement = recon.read_statement_csv(upload.read(), upload.name or "statement")
            except recon.StatementError as exc:
                errors.append(_("The statement cannot be read: %(why)s") % {"why": exc})
    if errors:
        context: dict[str, Any] = {"day": raw_day, "errors": errors, "report": None}
        return render(request, "backoffice/reconciliation.html", context, status=400)
    report = reconciliation_for(day=day, statement=statement)
    fmt = data.get("format", "")
    if fmt == "csv":
        return _download(recon.reconciliation_csv(report), CSV, f"rekonsiliasi-{day}.csv")
    if fmt == "xlsx":
        return _download(recon.reconciliation_xlsx(report), XLSX, f"rekonsiliasi-{day}.xlsx")
    context = {
        "day": day.isoformat(),
        "report": report,
        "stages": [
            (STAGE_LABELS[name], total.count, _rupiah(total.amount))
            for name, total in report.stages.items()
        ],
        "bank": [
            (_("Debited by the bank"), report.debits.count, _rupiah(report.debits.amount)),
            (_("Returned by the bank"), report.credits.count, _rupiah(report.credits.amount)),
        ],
        "differences": [
            (DIFFERENCE_LABELS[d.kind], d, _rupiah(d.expected), _rupiah(d.found))
            for d in report.differences
        ],
        "threshold_hours": report.unknown_after.total_seconds() / 3600,
    }
    return render(request, "backoffice/reconciliation.html", context)


@require_http_methods(["GET"])
@staff_required(PERMISSION)
def tax_report(request: HttpRequest) -> HttpResponse:
    """The month's tax withheld (PP 68/2009; UU PPh Art. 17), per member and in total."""
    today = timezone.localdate()
    raw = request.GET.get("bulan", f"{today:%Y-%m}")
    try:
        year, month = parse_month(raw)
    except ValueError:
        message = _("Write the month as year-month, like %(example)s.") % {
            "example": f"{today:%Y-%m}"
        }
        context: dict[str, Any] = {"month": raw, "errors": [message], "report": None}
        return render(request, "backoffice/tax_report.html", context, status=400)
    report = monthly_tax_report(year=year, month=month)
    name = f"pph-jht-{year}-{month:02d}"
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        # Names, NIK and NPWP leave the service in this file: who took it is recorded.
        log.info("tax_report_exported", month=f"{year}-{month:02d}", staff_user_id=request.user.pk)
    if fmt == "csv":
        return _download(tax_report_csv(report), CSV, f"{name}.csv")
    if fmt == "xlsx":
        return _download(tax_report_xlsx(report), XLSX, f"{name}.xlsx")
    context = {
        "month": f"{year}-{month:02d}",
        "report": report,
        "errors": [],
        "lines": [
            (line, _rupiah(line.gross), _rupiah(line.tax), _rupiah(line.net))
            for line in report.lines
        ],
        "totals": (_rupiah(report.gross), _rupiah(report.tax), _rupiah(report.net)),
    }
    return render(request, "backoffice/tax_report.html", context)
