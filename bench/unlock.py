"""From a face lock to unlock on the demo calendar (issue 13, "Tests and proof").

Seeds the demo population in a throwaway SQLite database as ``make run`` does
(``seed-demo --day``: the population, the officers' calendar and a working day of
claims, some of which take video-desk seats), then simulates a period of working days
in which ``--members`` members lock their face step (three counted failures) at a
random moment, any hour of any day: members fail when they try, evenings and weekends
too (seeded RNG). The lock is recorded without a camera, as the demo does: it is the
starting point, not what is measured. From there everything goes through the real
services, in time order, with explicit ``now=``:

- at lock time the member books the earliest free video call
  (``appointments.free_slots(kind="video", now=...)``, ``appointments.unlock_book``);
  a member who finds no seat within the booking horizon would have to travel to the
  counter (counted);
- at the booked start a verifier runs the desk check (``desk_check_start``) and unlocks
  with the whole checklist (``desk_unlock(now=starts_at)``).

The calendar is the demo's: video calls 08.00-15.00 every 30 minutes with two officers,
working days only (``seed_demo``'s own publishing, reused). Each simulated day the
branch publishes the next two working weeks again, as the demo does for its "today"
(a day already published is left as it is), so the calendar rolls on and the members
of the period's last days find it open as the first ones did.

Reported:

- hours from lock to unlock by the video call (median, p95) and how many found no seat;
- the same with the member's own cooling-off as well (one new round alone after 24 h,
  first lock only: ``unlock_after_cooling_off(now=...)``), whichever comes first; a
  member who opened the step alone has the call cancelled, whose seat goes back;
- the share of locked members unlocked without travel, against the 0 % of the JMO
  baseline the field study describes (every lock needs a trip to the Mall Pelayanan
  Publik);
- the video desk's seat use over the period's working days;
- the median with 1, 2 and 4 seats per slot (``--seats``), video calls only.

Every run is rolled back after it, so each starts from the same seeded calendar.

Usage: python bench/unlock.py [--members 150] [--days 10] [--seats 1 2 4]
"""

from __future__ import annotations

import argparse
import heapq
import io
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = 2026
DEMO_SEATS = 2  # seed-demo's video desk: two officers per 30-minute slot


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Outcome:
    seats: int
    cooling_off: bool
    hours: list[float] = field(default_factory=list)  # lock to unlock, each unlocked member
    by_call: int = 0
    by_cooling_off: int = 0
    no_seat: int = 0  # nothing free within the booking horizon: the counter
    calls_cancelled: int = 0  # booked, then not needed: the member opened the step alone
    seats_published: int = 0
    seats_unlock: int = 0  # held by face unlock calls
    seats_claims: int = 0  # held by claims' video appointments
    elapsed: float = 0.0

    def median(self) -> float:
        return statistics.median(self.hours) if self.hours else float("nan")

    def p95(self) -> float:
        return quantile(self.hours, 0.95) if self.hours else float("nan")


def run(members: int, days: int, seats_table: list[int], population: int) -> None:
    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from cairkan.biometrics.models import FaceStep, UnlockBooking
    from cairkan.biometrics.policy import policy
    from cairkan.biometrics.services import (
        Checklist,
        desk_check_start,
        desk_unlock,
        unlock_after_cooling_off,
    )
    from cairkan.claims import appointments
    from cairkan.claims.models import Appointment, AppointmentCapacity
    from cairkan.demo.management.commands import seed_demo
    from cairkan.demo.personas import PERSONA_KPJ_PREFIX
    from cairkan.members.models import Participant
    from cairkan.workdays.selectors import working_days_from

    call_command("migrate", verbosity=0)
    as_of = timezone.localdate()
    started = time.perf_counter()
    with Path(os.devnull).open("w") as quiet:
        call_command(
            "seed_demo", members=population, seed=SEED, as_of=as_of, day=True, stdout=quiet
        )
    publisher = seed_demo.Command(stdout=io.StringIO())  # its publishing, quietly
    print(f"seed-demo --day members={population:,} time={time.perf_counter() - started:.1f}s")

    # The period: from tomorrow's midnight to the end of the `days`-th working day.
    first = as_of + timedelta(days=1)
    work_days = working_days_from(first, days)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    end = timezone.make_aware(
        datetime.combine(work_days[-1] + timedelta(days=1), datetime.min.time())
    )
    rules = policy()
    officer = get_user_model().objects.get(username="verifikator")
    already = set(
        FaceStep.objects.filter(locked_at__isnull=False).values_list("participant_id", flat=True)
    )
    candidates = list(
        Participant.objects.exclude(memberships__kpj__startswith=PERSONA_KPJ_PREFIX)
        .exclude(pk__in=already)
        .distinct()
        .order_by("pk")
    )
    rng = random.Random(SEED)
    chosen = rng.sample(candidates, min(members, len(candidates)))
    span = (end - start).total_seconds()
    locks = sorted(
        ((start + timedelta(seconds=rng.uniform(0, span)), p) for p in chosen),
        key=lambda pair: pair[0],
    )
    print(
        f"period {first} to {work_days[-1]} ({(end - start).days} days, {days} working days); "
        f"locked members={len(locks)}; booking horizon {appointments.DAYS_AHEAD} days, "
        f"notice {appointments.MIN_NOTICE}; cooling-off {rules.cooling_off}"
    )

    def simulate(seats: int, cooling_off: bool) -> Outcome:
        outcome = Outcome(seats=seats, cooling_off=cooling_off)
        began = time.perf_counter()
        published: set[date] = set()

        def publish(day: date) -> None:
            """The branch publishes the next two working weeks, as seed-demo does."""
            if day in published:
                return
            published.add(day)
            publisher._capacity(day)
            if seats != DEMO_SEATS:
                AppointmentCapacity.objects.filter(desk__kind="video").update(seats=seats)

        publish(as_of)
        queue: list[tuple[datetime, int, str, Participant, Any]] = []
        for n, (at, participant) in enumerate(locks):
            heapq.heappush(queue, (at, n, "lock", participant, None))
        locked_at: dict[int, datetime] = {}
        seq = len(locks)
        while queue:
            now, _n, what, participant, booking = heapq.heappop(queue)
            day = timezone.localdate(now)
            for d in range((day - as_of).days + 1):
                publish(as_of + timedelta(days=d))
            if what == "lock":
                FaceStep.objects.update_or_create(
                    participant=participant,
                    defaults={"counted_failures": rules.max_failures, "locked_at": now},
                )
                locked_at[participant.pk] = now
                slots = appointments.free_slots(kind="video", now=now)
                if slots:
                    booked = appointments.unlock_book(
                        participant=participant, starts_at=slots[0].starts_at, now=now
                    )
                    seq += 1
                    heapq.heappush(queue, (booked.starts_at, seq, "call", participant, booked))
                else:
                    outcome.no_seat += 1
                if cooling_off:
                    seq += 1
                    heapq.heappush(queue, (now + rules.cooling_off, seq, "cool", participant, None))
            elif what == "cool":
                step = FaceStep.objects.get(participant=participant)
                if step.locked_at is None:
                    continue  # the call came first
                had_call = UnlockBooking.objects.filter(
                    participant=participant, status=UnlockBooking.Status.BOOKED
                ).exists()
                # The service cancels the call booked meanwhile: its seat goes back.
                unlock_after_cooling_off(participant=participant, now=now)
                outcome.by_cooling_off += 1
                outcome.hours.append((now - locked_at[participant.pk]).total_seconds() / 3600)
                outcome.calls_cancelled += had_call
            else:  # the booked call
                booking.refresh_from_db()
                if booking.status != UnlockBooking.Status.BOOKED:
                    continue  # cancelled: the member opened the step alone
                check = desk_check_start(participant=participant, officer=officer, booking=booking)
                complete = Checklist(
                    ektp_shown=True, answered=tuple(check.questions), live_face_compared=True
                )
                desk_unlock(
                    check=check,
                    officer=officer,
                    checklist=complete,
                    note="e-KTP, questions and live face checked in the call",
                    now=now,
                )
                outcome.by_call += 1
                outcome.hours.append((now - locked_at[participant.pk]).total_seconds() / 3600)

        # The video desk's seats over the period's working days.
        rows = list(AppointmentCapacity.objects.filter(desk__kind="video", day__in=work_days))
        outcome.seats_published = sum(len(appointments.starts_of(r)) * r.seats for r in rows)
        ids = [r.pk for r in rows]
        outcome.seats_unlock = UnlockBooking.objects.filter(
            capacity_id__in=ids, status__in=("booked", "done", "declined")
        ).count()
        outcome.seats_claims = Appointment.objects.filter(
            capacity_id__in=ids, state__in=("booked", "done", "missed")
        ).count()
        outcome.elapsed = time.perf_counter() - began
        return outcome

    def rolled_back(seats: int, cooling_off: bool) -> Outcome:
        with transaction.atomic():
            outcome = simulate(seats, cooling_off)
            transaction.set_rollback(True)
        return outcome

    video = rolled_back(DEMO_SEATS, cooling_off=False)
    either = rolled_back(DEMO_SEATS, cooling_off=True)
    n = len(locks)
    print(
        f"video call only, demo calendar ({DEMO_SEATS} seats per slot): unlocked by the call="
        f"{video.by_call}/{n}; lock to unlock median={video.median():.1f} h "
        f"p95={video.p95():.1f} h; no seat within the horizon (to the counter)={video.no_seat}"
        f"; run {video.elapsed:.0f}s"
    )
    print(
        f"video call or own cooling-off, whichever first: median={either.median():.1f} h "
        f"p95={either.p95():.1f} h; by the call={either.by_call}, by the cooling-off="
        f"{either.by_cooling_off}; calls cancelled after opening alone={either.calls_cancelled}"
        f"; no seat within the horizon={either.no_seat}"
    )
    no_travel_video = (n - video.no_seat) / n if n else 0.0
    no_travel_either = (either.by_call + either.by_cooling_off) / n if n else 0.0
    print(
        f"unlocked without travel: video call booked within the horizon {no_travel_video:.1%}; "
        f"with the cooling-off {no_travel_either:.1%} (first lock); JMO baseline 0 % "
        f"(every lock a trip to the Mall Pelayanan Publik)"
    )
    for label, o in (("video only", video), ("with cooling-off", either)):
        used = o.seats_unlock + o.seats_claims
        share = used / o.seats_published if o.seats_published else 0.0
        print(
            f"video desk seats over the {days} working days ({label}): published="
            f"{o.seats_published} held={used} ({share:.1%}; unlock calls {o.seats_unlock}, "
            f"claims' video appointments {o.seats_claims})"
        )
    print("seats per slot | median h | p95 h | no seat | seat use  (video call only)")
    for seats in seats_table:
        o = video if seats == DEMO_SEATS else rolled_back(seats, cooling_off=False)
        used = (o.seats_unlock + o.seats_claims) / o.seats_published if o.seats_published else 0
        print(f"{seats:>14} | {o.median():>8.1f} | {o.p95():>5.1f} | {o.no_seat:>7} | {used:>8.1%}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=150, help="members who lock")
    parser.add_argument("--days", type=int, default=10, help="working days of locks")
    parser.add_argument("--seats", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--population", type=int, default=2000, help="seed-demo --members")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "cairkan.config.settings",
                "CAIRKAN_ENV": "development",
                "CAIRKAN_VAR_DIR": tmp,
                "CAIRKAN_NOTIFICATION_SENDER": "cairkan.notifications.senders.MemorySender",
            }
        )
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("CELERY_BROKER_URL", None)
        sys.path.insert(0, str(ROOT / "src"))
        run(args.members, args.days, args.seats, args.population)


if __name__ == "__main__":
    main()
