"""Move payouts along without a broker or a beat: recover sends lost with their worker,
send the due queued payouts, ask the bank about accepted and unknown ones. Several
sweepers (and Celery workers) may run at once: each payout is leased by one.

``--loop`` repeats every ``--every`` seconds; ``make run`` starts it beside the web
server (``--exit-with-parent``: it stops when the server does)."""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from cairkan.payouts.services import payouts_sweep


class Command(BaseCommand):
    help = "Send due payouts and ask the bank about accepted ones (once, or --loop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep sweeping")
        parser.add_argument("--every", type=float, default=2.0, help="seconds between sweeps")
        parser.add_argument("--limit", type=int, default=100, help="payouts per pass")
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="stop when the process that started this one ends",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parent = os.getppid()
        while True:
            result = payouts_sweep(limit=options["limit"])
            if not options["loop"] or result.sent or result.polled or result.recovered:
                self.stdout.write(
                    f"{result.recovered} lost sends recovered; {result.sent} payouts sent; "
                    f"{result.polled} asked about."
                )
            if not options["loop"]:
                return
            if options["exit_with_parent"] and os.getppid() != parent:
                return
            time.sleep(options["every"])
            close_old_connections()  # a long-lived loop must not keep a broken connection
