"""``cairkan statement --nik N --format pdf|csv --output PATH``: write a JHT statement."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cairkan.members.statements import (
    parse_iso_date,
    participant_by_nik,
    statement_csv,
    statement_for,
    statement_pdf,
)


class Command(BaseCommand):
    help = "Write a participant's JHT statement (balance year by year) as PDF or CSV."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--nik", required=True, help="the participant's 16-digit NIK")
        parser.add_argument(
            "--as-of", default=None, help="the statement's date, like 2026-11-23 (default: today)"
        )
        parser.add_argument("--format", required=True, choices=["pdf", "csv"])
        parser.add_argument("--output", required=True, type=Path, help="the file to write")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=f"the PDF's language (default {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw_as_of = options["as_of"]
        try:
            as_of = parse_iso_date(raw_as_of) if raw_as_of else timezone.localdate()
        except ValueError:
            raise CommandError(
                f"--as-of {raw_as_of!r} is not a date; write it year-month-day, like 2026-11-23."
            ) from None
        participant = participant_by_nik(options["nik"])
        if participant is None:
            raise CommandError(f"No participant has the NIK {options['nik']!r}.")
        statement = statement_for(participant=participant, as_of=as_of)
        if options["format"] == "pdf":
            body = statement_pdf(statement, options["language"])
        else:
            body = statement_csv(statement)
        output = Path(options["output"])  # call_command(output=...) passes a str
        try:
            output.write_bytes(body)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
        self.stdout.write(
            f"Wrote {output} ({len(body):,} bytes): {len(statement.lines)} years, balance on "
            f"{as_of} Rp {statement.final_balance:,}."
        )
