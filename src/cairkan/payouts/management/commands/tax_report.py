"""``cairkan tax-report --month YYYY-MM``: the income tax withheld on JHT payments in a
month (PP 68/2009; UU PPh Art. 17), per member and in total, as CSV or XLSX for the
withholder's monthly tax return (docs/payments.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cairkan.payouts.tax_report import (
    monthly_tax_report,
    parse_month,
    tax_report_csv,
    tax_report_xlsx,
)


class Command(BaseCommand):
    help = "The month's tax withheld on JHT payments, as CSV (default) or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="the month, e.g. 2026-11")
        parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        parser.add_argument("--output", metavar="FILE", help="write here (XLSX needs it)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year, month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from None
        report = monthly_tax_report(year=year, month=month)
        if options["format"] == "xlsx":
            if not options["output"]:
                raise CommandError("--format xlsx needs --output FILE")
            Path(options["output"]).write_bytes(tax_report_xlsx(report))
        elif options["output"]:
            Path(options["output"]).write_bytes(tax_report_csv(report))
        else:
            self.stdout.write(tax_report_csv(report).decode("utf-8-sig"), ending="")
