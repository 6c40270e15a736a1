"""``cairkan staff-enrol USERNAME``: an operator issues an officer's one-time code to enrol
a second-factor (TOTP) device at their next sign-in at /kantor/masuk/.

The code is printed once, here, for the operator to hand over in person or by a channel
the officer's password does not open; Cairkan keeps only its hash, and the code works once,
for this officer, until it expires. ``--replace`` is for a lost phone: the old device
stops signing in at once. Run it as the operator of the server (like ``createsuperuser``);
``--by`` names the supervisor or operator account that asked for it, for the audit trail.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cairkan.backoffice.services import (
    ENROLMENT_VALID_FOR,
    EnrolmentError,
    staff_enrolment_issue,
)

REFUSALS = {
    "not_staff": "{user!r} is not an active staff account.",
    "already_enrolled": (
        "{user!r} already has a sign-in device. For a lost phone pass --replace "
        "(the old device stops working now)."
    ),
}


class Command(BaseCommand):
    help = "Issue an officer's one-time code to enrol a TOTP device at /kantor/masuk/."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--hours",
            type=int,
            default=int(ENROLMENT_VALID_FOR.total_seconds() // 3600),
            help="how long the code stays valid (default %(default)s)",
        )
        parser.add_argument(
            "--replace", action="store_true", help="remove the officer's current device"
        )
        parser.add_argument("--by", metavar="USER", help="the account that asked for it")

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        user = users.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user {options['username']!r}.")
        issued_by = None
        if options["by"]:
            issued_by = users.filter(username=options["by"], is_staff=True).first()
            if issued_by is None:
                raise CommandError(f"--by {options['by']!r} is not a staff account.")
        if not 1 <= options["hours"] <= 24 * 7:
            raise CommandError("--hours is between 1 and 168.")
        valid_for = timedelta(hours=options["hours"])
        try:
            code = staff_enrolment_issue(
                user=user,
                issued_by=issued_by,
                valid_for=valid_for,
                replace_device=options["replace"],
            )
        except EnrolmentError as exc:
            raise CommandError(REFUSALS[exc.code].format(user=user.get_username())) from None
        until = timezone.localtime(timezone.now() + valid_for)
        self.stdout.write(
            f"Enrolment code for {user.get_username()}: {code}\n"
            f"Valid once, until {until:%Y-%m-%d %H:%M %Z}. It is shown only now: hand it to "
            "the officer, who signs in at /kantor/masuk/ and types it to set up the "
            "authenticator app."
        )
