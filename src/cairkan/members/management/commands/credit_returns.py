"""``cairkan credit-returns --year Y``: credit a year's development return to everyone."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cairkan.members.returns import ReturnsError, credit_returns


class Command(BaseCommand):
    help = "Credit the development return of a finished year to every membership (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="the calendar year to credit")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            summary = credit_returns(year=options["year"])
        except ReturnsError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(
            f"{summary.year} at {summary.rate_percent}%: credited {summary.credited} "
            f"memberships, Rp {summary.total_returned:,} in all; {summary.already_credited} "
            f"were already credited ({time.perf_counter() - started:.1f} s)."
        )
