"""``cairkan reconcile --date YYYY-MM-DD``: the day's reconciliation, on the terminal or as a
CSV/XLSX file, against the bank's statement files when given (docs/payments.md).

Exit status 0 when the day agrees, 3 when differences are listed (so a scheduler or a
monitor sees them), 1 for bad input (a wrong date, an unreadable statement)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cairkan.members.statements import parse_iso_date
from cairkan.payouts.reconciliation import (
    BankLine,
    Reconciliation,
    StatementError,
    Total,
    read_statement_csv,
    reconciliation_csv,
    reconciliation_xlsx,
)
from cairkan.payouts.reconciliation_selectors import reconciliation_for

DIFFERENCES_FOUND = 3


class Command(BaseCommand):
    help = "Reconcile one day's payouts with the bank (counts, sums, every difference)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, help="the day, e.g. 2026-11-27")
        parser.add_argument(
            "--statement",
            action="append",
            default=[],
            metavar="FILE",
            help="the bank's statement as CSV (reference,amount,booked_on,direction); repeatable",
        )
        parser.add_argument("--format", choices=("text", "csv", "xlsx"), default="text")
        parser.add_argument("--output", metavar="FILE", help="write the CSV/XLSX here")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = parse_iso_date(options["date"])
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from None
        statement: list[BankLine] | None = None
        if options["statement"]:
            statement = []
            for name in options["statement"]:
                path = Path(name)
                try:
                    statement += read_statement_csv(path.read_bytes(), path.name)
                except OSError as exc:
                    raise CommandError(f"{name}: {exc.strerror}") from None
                except StatementError as exc:
                    raise CommandError(str(exc)) from None
        report = reconciliation_for(day=day, statement=statement, now=timezone.now())
        fmt = options["format"]
        if fmt == "text":
            self.stdout.write(_text(report))
        else:
            body = reconciliation_csv(report) if fmt == "csv" else reconciliation_xlsx(report)
            if options["output"]:
                Path(options["output"]).write_bytes(body)
            elif fmt == "csv":
                self.stdout.write(body.decode("utf-8-sig"), ending="")
            else:
                raise CommandError("--format xlsx needs --output FILE")
        if report.differences:
            sys.exit(DIFFERENCES_FOUND)


def _row(name: str, total: Total) -> str:
    return f"  {name:<9} {total.count:>7}  Rp {total.amount:>20,}"


def _text(report: Reconciliation) -> str:
    lines = [f"Reconciliation of {report.day.isoformat()}"]
    for stage, total in report.stages.items():
        lines.append(f"  {stage:<9} {total.count:>7}  Rp {total.amount:>20,}")
    if report.statement_given:
        lines.append(f"  {'debited':<9} {report.debits.count:>7}  Rp {report.debits.amount:>20,}")
        lines.append(
            f"  {'returned':<9} {report.credits.count:>7}  Rp {report.credits.amount:>20,}"
        )
        if report.lines_of_other_days:
            lines.append(f"  ({report.lines_of_other_days} statement lines of other days left out)")
    else:
        lines.append("  no bank statement given: the bank side is not compared")
    if not report.differences:
        lines.append("Agrees: no differences.")
    else:
        lines.append(f"{len(report.differences)} differences:")
        for d in report.differences:
            expected = "-" if d.expected is None else f"{d.expected:,}"
            found = "-" if d.found is None else f"{d.found:,}"
            lines.append(
                f"  {d.kind}: reference {d.reference or '-'}, claim {d.claim or '-'}, "
                f"Cairkan {expected}, bank/ledger {found}" + (f" ({d.detail})" if d.detail else "")
            )
    return "\n".join(lines)
