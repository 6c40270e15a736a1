"""`cairkan audit verify`: recompute the audit chain and name its first broken link."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cairkan.audit.selectors import chain_verify

BROKEN = 1


class Command(BaseCommand):
    help = "Check the tamper-evident audit trail."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "verify",
            help="recompute every entry's hash; exit 1 at the first broken link",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = chain_verify()
        if report.broken is not None:
            raise CommandError(
                f"audit chain broken at entry #{report.broken.sequence} "
                f"({report.broken.problem}): {report.broken.detail}. "
                f"{report.verified} entries before it verified.",
                returncode=BROKEN,
            )
        self.stdout.write(
            f"audit chain whole: {report.verified} entries verified; head {report.head_hash}"
        )
