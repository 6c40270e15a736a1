"""Remind members of their meetings with an officer, the day before and an hour before
(by SMS through the outbox). Each reminder is marked in the transaction that writes it,
so running this often, or on several machines, or again after a crash sends each once.

``--loop`` repeats every ``--every`` seconds; ``make run`` starts it beside the web
server (``--exit-with-parent``: it stops when the server does). With a broker, Celery
beat runs ``cairkan.claims.tasks.send_appointment_reminders`` instead."""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from cairkan.claims.appointments import reminders_send


class Command(BaseCommand):
    help = "Send the reminders due for booked appointments (once, or --loop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep reminding")
        parser.add_argument("--every", type=float, default=60.0, help="seconds between passes")
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="stop when the process that started this one ends",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parent = os.getppid()
        while True:
            sent = reminders_send()
            if not options["loop"] or sent:
                self.stdout.write(f"{sent} appointment reminders sent.")
            if not options["loop"]:
                return
            if options["exit_with_parent"] and os.getppid() != parent:
                return
            time.sleep(options["every"])
            close_old_connections()  # a long-lived loop must not keep a broken connection
