"""Appointments for claims on the assisted channels, from the officers' published capacity.

A claim above the app limit, or for a reason the app does not handle, is verified by an
officer: in a video call (online assisted channel) or at the branch counter (domain
reference, Channels). Members choose a free start; a seat is taken under a row lock on
the day's capacity, so two members cannot take the last seat together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from cairkan.claims.models import Appointment, AppointmentCapacity, AppointmentKind, Claim
from cairkan.workdays.selectors import closed_days, is_working_day, working_days_from

DAYS_AHEAD = 10  # how far ahead a member may book
MIN_NOTICE = timedelta(hours=2)  # an officer needs the documents before the call


class AppointmentError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Slot:
    kind: str
    starts_at: datetime
    seats_left: int


def _starts(capacity: AppointmentCapacity) -> list[datetime]:
    day = capacity.day
    first = timezone.make_aware(datetime.combine(day, capacity.first_start))
    last = timezone.make_aware(datetime.combine(day, capacity.last_start))
    step = timedelta(minutes=capacity.slot_minutes)
    starts, at = [], first
    while at <= last:
        starts.append(at)
        at += step
    return starts


def _taken(kind: str, starts: list[datetime]) -> dict[datetime, int]:
    rows = (
        Appointment.objects.filter(kind=kind, state=Appointment.State.BOOKED, starts_at__in=starts)
        .values("starts_at")
        .annotate(n=Count("pk"))
    )
    return {row["starts_at"]: row["n"] for row in rows}


def free_slots(*, kind: str, now: datetime | None = None, days: int = DAYS_AHEAD) -> list[Slot]:
    """Free starts of ``kind`` from now on, within the published capacity."""
    if kind not in AppointmentKind.values:
        raise AppointmentError("appointment_kind_unknown")
    now = now or timezone.now()
    today: date = timezone.localdate(now)
    last_day = today + timedelta(days=days)
    capacities = AppointmentCapacity.objects.filter(kind=kind, day__gte=today, day__lte=last_day)
    # Capacity published before an operator closed the office offers nothing that day.
    closed = closed_days(today, last_day, for_branch=kind == AppointmentKind.BRANCH)
    slots: list[Slot] = []
    for capacity in capacities:
        if capacity.day in closed:
            continue
        starts = [s for s in _starts(capacity) if s >= now + MIN_NOTICE]
        taken = _taken(kind, starts)
        slots += [
            Slot(kind, s, capacity.seats - taken.get(s, 0))
            for s in starts
            if taken.get(s, 0) < capacity.seats
        ]
    return slots


def book(
    *, claim: Claim, kind: str, starts_at: datetime, now: datetime | None = None
) -> Appointment:
    """Take a seat for ``claim``. Call inside the transaction that files the claim: the
    day's capacity row stays locked until it commits."""
    if kind not in AppointmentKind.values:
        raise AppointmentError("appointment_kind_unknown")
    now = now or timezone.now()
    capacity = (
        AppointmentCapacity.objects.select_for_update()
        .filter(kind=kind, day=timezone.localdate(starts_at))
        .first()
    )
    if (
        capacity is None
        or starts_at not in _starts(capacity)
        or starts_at < now + MIN_NOTICE
        or not is_working_day(capacity.day, for_branch=kind == AppointmentKind.BRANCH)
    ):
        raise AppointmentError("slot_unavailable")
    if _taken(kind, [starts_at]).get(starts_at, 0) >= capacity.seats:
        raise AppointmentError("slot_unavailable")
    return Appointment.objects.create(
        claim=claim, capacity=capacity, kind=kind, starts_at=starts_at
    )


def publish_capacity(
    *,
    first_day: date,
    working_days: int,
    kind: str,
    hours: tuple[int, int],
    seats: int,
    slot_minutes: int = 30,
) -> int:
    """Publish the same hours on the next ``working_days`` from ``first_day`` on the
    service's calendar (the branch's for branch visits); a day already published is left
    as it is."""
    made = 0
    for day in working_days_from(
        first_day, working_days, for_branch=kind == AppointmentKind.BRANCH
    ):
        _, created = AppointmentCapacity.objects.get_or_create(
            day=day,
            kind=kind,
            defaults={
                "first_start": datetime.min.time().replace(hour=hours[0]),
                "last_start": datetime.min.time().replace(hour=hours[1]),
                "seats": seats,
                "slot_minutes": slot_minutes,
            },
        )
        made += created
    return made
