"""``cairkan seed-demo``: load the demo population of Hulu Sungai Utara."""

from __future__ import annotations

import time
from argparse import ArgumentParser, ArgumentTypeError
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cairkan.claims.appointments import desk_open, publish_capacity
from cairkan.claims.models import Claim
from cairkan.demo import facedesk, loader, workday
from cairkan.demo.heirs import HEIRS
from cairkan.demo.personas import PERSONA_STORIES, personas
from cairkan.demo.population import generate
from cairkan.demo.specs import PersonSpec
from cairkan.jht.dates import age_on
from cairkan.members.models import Participant

APP_LIMIT = 15_000_000  # Rp; the app limit from May 2025, for the summary only
DEMO_OPERATOR = ("operator", "cairkan-demo")
# One demo officer per role (docs/operating.md), same password: try the back office as
# each of them, not only as the superuser.
DEMO_OFFICERS = {
    "loket": "Petugas loket",
    "verifikator": "Verifikator",
    "penyelia": "Penyelia",
    "auditor": "Auditor",
}


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a date like 2026-11-23") from None


def _non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise ArgumentTypeError("must be 0 or more")
    return number


class Command(BaseCommand):
    help = "Load a deterministic demo population of Kabupaten Hulu Sungai Utara."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--members",
            type=_non_negative,
            default=2000,
            help="people in all, the named personas included (default 2000)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--as-of", type=_iso_date, default=None, help="the demo's 'today' (default: today)"
        )
        parser.add_argument(
            "--day",
            action="store_true",
            help="also file a working day of claims for demo members, through the real "
            "services (make run does; once: --if-empty files it only if no claim exists)",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--if-empty", action="store_true", help="do nothing when members are already loaded"
        )
        group.add_argument(
            "--reset", action="store_true", help="delete all member and sandbox data first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed-demo refuses to run with CAIRKAN_ENV=production.")
        if loader.has_demo_data():
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded; nothing to do.")
                self._operator()
                as_of = options["as_of"] or timezone.localdate()
                self._capacity(as_of)
                if options["day"] and not Claim.objects.exists():
                    people = generate(
                        members=Participant.objects.count(), seed=options["seed"], as_of=as_of
                    ).people
                    self._day(people, as_of)
                self._personas(as_of)
                self._claims()
                if options["day"]:
                    self._face_desk()
                return
            if not options["reset"]:
                raise CommandError(
                    "Members are already loaded. Use --reset to replace them or --if-empty "
                    "to keep them."
                )
            loader.clear()
        as_of = options["as_of"] or timezone.localdate()
        started = time.perf_counter()
        population = generate(members=options["members"], seed=options["seed"], as_of=as_of)
        generated = time.perf_counter()
        summary = loader.load(population)
        loaded = time.perf_counter()
        credited = loader.credit_past_returns(as_of)
        finished = time.perf_counter()
        self._operator()
        self._capacity(as_of)

        above = sum(1 for total in summary.contributed_by_person.values() if total > APP_LIMIT)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary.participants} participants, {summary.memberships} memberships, "
                f"{summary.employers} employers, {summary.contributions} monthly contributions, "
                f"{summary.registry_records} registry records and {summary.bank_accounts} bank "
                f"accounts (seed {population.seed}, as of {as_of}) in {finished - started:.1f} s "
                f"(generate {generated - started:.1f} s, load {loaded - generated:.1f} s, "
                f"credit {len(credited)} years of returns {finished - loaded:.1f} s)."
            )
        )
        self.stdout.write(
            f"Contributions alone exceed the Rp 15 juta app limit for {above} of "
            f"{summary.participants} people (returns come on top)."
        )
        if options["day"]:
            self._day(population.people, as_of)
        self._personas(as_of)
        self._claims()
        if options["day"]:
            self._face_desk()

    def _face_desk(self) -> None:
        shown = facedesk.face_desk_demo()
        if shown:
            self.stdout.write(
                "Face desk (/kantor/wajah/): locked out with a video call booked: "
                f"{shown[0]}; locked out, to serve as a walk-in: {shown[1]}; a borderline "
                f"photo for a verifier: {shown[2]}."
            )

    def _day(self, people: list[PersonSpec], as_of: date) -> None:
        started = time.perf_counter()
        day = workday.file_day(people=people, as_of=as_of)
        queue = ", ".join(f"{code} {n}" for code, n in day.queue_reasons.most_common())
        states = ", ".join(f"{status} {n}" for status, n in sorted(day.by_status.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Filed a working day of {day.filed} claims in {time.perf_counter() - started:.1f}"
                f" s: {day.straight_through} of {day.app_filed} app claims approved straight "
                f"through ({day.straight_through_share:.0%}); now {states}."
            )
        )
        self.stdout.write(f"Officers' queue by reason (a claim may have several): {queue}.")
        if day.refused:
            self.stdout.write(f"Refused at filing: {dict(day.refused)}.")

    def _claims(self) -> None:
        shown = workday.claims_to_show()
        if not shown:
            return
        self.stdout.write(
            "Demo members with a claim (register at /daftar/ with name, NIK, KPJ, birth date "
            "and mother's maiden name, then any phone of yours):"
        )
        for c in shown:
            reasons = f" ({', '.join(c.reasons)})" if c.reasons else ""
            self.stdout.write(
                f"  {c.status:<14} {c.full_name:<24} NIK {c.nik}  KPJ {c.kpj}  "
                f"born {c.birth_date}  mother {c.mother_maiden_name}{reasons}"
            )

    def _personas(self, as_of: date) -> None:
        self.stdout.write("Named demo members (NIK, KPJ, bank account):")
        for person in personas(as_of):
            kpjs = "/".join(m.kpj for m in person.memberships)
            account = person.bank_accounts[0]
            age = age_on(person.birth_date, as_of)
            self.stdout.write(
                f"  {person.full_name:<16} {age:>2} y  NIK {person.nik}  KPJ {kpjs}  "
                f"bank {account.bank_code}-{account.account_number}: "
                f"{PERSONA_STORIES[person.persona]}"
            )
        self.stdout.write("Heirs of Gusti Rahmadi (claim at /ahli-waris/, docs/heirs.md):")
        for heir in HEIRS:
            self.stdout.write(
                f"  {heir.full_name:<16} NIK {heir.nik}  born {heir.birth_date}  "
                f"bank {heir.bank_code}-{heir.account_number}"
            )

    def _capacity(self, as_of: date) -> None:
        """Officers' published capacity for the next two working weeks, as a branch would
        publish it: video calls 08.00-15.00 with two officers, the counter 08.00-14.00
        with three."""
        first = as_of + timedelta(days=1)
        # The desks of the one officers' calendar: the video desk, and the counter at the
        # Mall Pelayanan Publik Amuntai (the back office's demo branch "amuntai").
        video = desk_open(code="video", name="Meja video", kind="video")
        counter = desk_open(
            code="loket-amuntai", name="Loket MPP Amuntai", kind="branch", branch_code="amuntai"
        )
        made = publish_capacity(
            first_day=first, working_days=10, kind="video", hours=(8, 15), seats=2, desk=video
        ) + publish_capacity(
            first_day=first, working_days=10, kind="branch", hours=(8, 14), seats=3, desk=counter
        )
        if made:
            self.stdout.write(f"Published {made} days of officers' appointment capacity.")

    def _operator(self) -> None:
        """A back-office login for the demo; never created in production (checked above)."""
        username, password = DEMO_OPERATOR
        user_model = get_user_model()
        if not user_model.objects.filter(username=username).exists():
            user_model.objects.create_superuser(username=username, password=password, email="")
        for officer, role in DEMO_OFFICERS.items():
            if not user_model.objects.filter(username=officer).exists():
                user = user_model.objects.create_user(
                    username=officer, password=password, is_staff=True
                )
                user.groups.add(Group.objects.get(name=role))
