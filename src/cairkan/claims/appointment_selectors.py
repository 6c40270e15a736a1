"""Reads of the officers' calendar: a member's bookings, an officer's day, the seats
published and taken per day and desk, and a day-then-time view of free starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cairkan.biometrics.models import UnlockBooking
from cairkan.claims.appointments import Slot, seats_taken, starts_of
from cairkan.claims.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentCapacity,
    AppointmentKind,
    AppointmentPurpose,
    Channel,
    Claim,
    Desk,
)
from cairkan.members.models import Participant

# What an officer checks at each kind of meeting (issue 13: who, why, what to check).
TO_CHECK = {
    AppointmentPurpose.FACE_UNLOCK: _(
        "e-KTP shown; questions on membership data only the member knows; "
        "the live face compared with the registry photo."
    ),
    AppointmentPurpose.CLAIM_VERIFICATION: _(
        "e-KTP shown; the claim's documents against the originals; "
        "the reasons screening sent the claim to a person."
    ),
    AppointmentPurpose.ASSISTED_CLAIM: _(
        "e-KTP shown; the member's consent recorded; a live face check on the counter's camera."
    ),
}


@dataclass(frozen=True, slots=True)
class MemberBooking:
    """One of the member's open meetings, as the account and claim pages show it."""

    starts_at: datetime
    kind: str
    kind_label: str
    purpose: str
    purpose_label: str
    claim_public_id: object | None  # None: the face step's video call


def member_bookings(*, participant: Participant, claim: Claim | None = None) -> list[MemberBooking]:
    """The member's open bookings, soonest first (only ``claim``'s, when given)."""
    appointments = Appointment.objects.filter(
        claim__participant=participant, state=Appointment.State.BOOKED
    ).select_related("claim")
    if claim is not None:
        appointments = appointments.filter(claim=claim)
    found = [
        MemberBooking(
            starts_at=timezone.localtime(a.starts_at),
            kind=a.kind,
            kind_label=str(AppointmentKind(a.kind).label),
            purpose=a.purpose,
            purpose_label=str(AppointmentPurpose(a.purpose).label),
            claim_public_id=a.claim.public_id,
        )
        for a in appointments
    ]
    if claim is None:
        found += [
            MemberBooking(
                starts_at=timezone.localtime(b.starts_at),
                kind=AppointmentKind.VIDEO,
                kind_label=str(AppointmentKind.VIDEO.label),
                purpose=AppointmentPurpose.FACE_UNLOCK,
                purpose_label=str(AppointmentPurpose.FACE_UNLOCK.label),
                claim_public_id=None,
            )
            for b in UnlockBooking.objects.filter(
                participant=participant, status=UnlockBooking.Status.BOOKED
            )
        ]
    return sorted(found, key=lambda b: b.starts_at)


@dataclass(frozen=True, slots=True)
class DayItem:
    """One meeting on an officer's day: who, why, what to check, where to work on it."""

    starts_at: datetime
    desk: str
    who: str
    nik: str
    purpose: str
    purpose_label: str
    to_check: str
    reasons: list[str] = field(default_factory=list)
    claim_public_id: object | None = None
    unlock_booking_id: int | None = None
    participant_id: int | None = None


def desk_day(*, day: date, desk: Desk | None = None) -> list[DayItem]:
    """The open meetings of ``day`` (one desk's, or every desk's), in time order."""
    first = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    span = {"starts_at__gte": first, "starts_at__lt": first + timedelta(days=1)}
    desk_filter = {"capacity__desk": desk} if desk is not None else {}
    items: list[DayItem] = []
    for a in Appointment.objects.filter(
        state=Appointment.State.BOOKED, **span, **desk_filter
    ).select_related("claim__participant", "capacity__desk"):
        items.append(
            DayItem(
                starts_at=timezone.localtime(a.starts_at),
                desk=a.capacity.desk.name,
                who=a.claim.participant.full_name,
                nik=a.claim.participant.nik,
                purpose=a.purpose,
                purpose_label=str(AppointmentPurpose(a.purpose).label),
                to_check=str(TO_CHECK[AppointmentPurpose(a.purpose)]),
                reasons=list(a.claim.review_reasons),
                claim_public_id=a.claim.public_id,
                participant_id=a.claim.participant_id,
            )
        )
    for b in UnlockBooking.objects.filter(
        status=UnlockBooking.Status.BOOKED, **span, **desk_filter
    ).select_related("participant", "capacity__desk"):
        items.append(
            DayItem(
                starts_at=timezone.localtime(b.starts_at),
                desk=b.capacity.desk.name if b.capacity else "",
                who=b.participant.full_name,
                nik=b.participant.nik,
                purpose=AppointmentPurpose.FACE_UNLOCK,
                purpose_label=str(AppointmentPurpose.FACE_UNLOCK.label),
                to_check=str(TO_CHECK[AppointmentPurpose.FACE_UNLOCK]),
                unlock_booking_id=b.pk,
                participant_id=b.participant_id,
            )
        )
    return sorted(items, key=lambda i: (i.starts_at, i.desk))


@dataclass(frozen=True, slots=True)
class PublishedDay:
    capacity: AppointmentCapacity
    starts: int
    seats: int  # starts × seats
    booked: int


def published(*, first_day: date, last_day: date) -> list[PublishedDay]:
    """Each desk's published days from ``first_day`` to ``last_day``, with seats taken."""
    capacities = list(
        AppointmentCapacity.objects.filter(day__gte=first_day, day__lte=last_day).select_related(
            "desk"
        )
    )
    taken = seats_taken([c.pk for c in capacities])
    rows = []
    for capacity in capacities:
        starts = len(starts_of(capacity))
        booked = sum(n for (pk, _start), n in taken.items() if pk == capacity.pk)
        rows.append(PublishedDay(capacity, starts, starts * capacity.seats, booked))
    return rows


@dataclass(frozen=True, slots=True)
class DayChoice:
    day: date
    times: int  # starts with a free seat


def days_then_times(
    slots: list[Slot], chosen_day: date | None
) -> tuple[list[DayChoice], date | None, list[Slot]]:
    """Free starts as the appointment page shows them: the days that have any (step one),
    then, once a day is chosen, that day's times only (step two). A day with no free
    time left (taken meanwhile) is no choice: step one again."""
    per_day: dict[date, list[Slot]] = {}
    for slot in slots:
        per_day.setdefault(timezone.localdate(slot.starts_at), []).append(slot)
    days = [DayChoice(day, len(found)) for day, found in per_day.items()]
    if chosen_day not in per_day:
        chosen_day = None
    return days, chosen_day, per_day.get(chosen_day, []) if chosen_day else []


def claims_needing_booking(*, participant: Participant, claim: Claim | None = None) -> list[Claim]:
    """The member's open claims on an assisted channel whose meeting was cancelled and not
    booked again: they need a new time before an officer can check them. A claim that
    never had one (filed at the counter with the officer) needs none."""
    claims = (
        Claim.objects.filter(participant=participant, status__in=OPEN_STATUSES)
        .exclude(channel=Channel.APP)
        .filter(appointments__isnull=False)
        .exclude(appointments__state=Appointment.State.BOOKED)
        .distinct()
    )
    if claim is not None:
        claims = claims.filter(pk=claim.pk)
    return list(claims)
