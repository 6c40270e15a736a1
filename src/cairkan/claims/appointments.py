"""The one officers' calendar: seats per day and desk, for every purpose.

Officers or a supervisor publish capacity (``AppointmentCapacity``) per day and desk: the
video desk, or a branch office's counter. Every meeting takes its seat from it: a claim's
verification or a claim filed with an officer (``Appointment``), and the video call that
opens a locked face step (``biometrics.UnlockBooking``). Members choose a free start; a
seat is taken under a row lock on the day's capacity rows of that kind, and the seats
already taken are counted under that lock, so two members cannot both take the last one.

Days come from the service's working-day calendar (``cairkan.workdays``): a day an
operator closes after capacity was published offers nothing. A booking ends when its
claim is rejected, cancelled or paid, and its seat is free again (``appointments_end``).
Reminders go the day before and an hour before, once each (``reminders_send``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from cairkan.audit.services import audit_record
from cairkan.biometrics.models import UnlockBooking
from cairkan.biometrics.services import UnlockRefused, unlock_booking_create
from cairkan.claims.models import (
    Appointment,
    AppointmentCapacity,
    AppointmentKind,
    AppointmentPurpose,
    Claim,
    Desk,
)
from cairkan.members.models import Participant
from cairkan.notifications.gateway import notify
from cairkan.workdays.selectors import closed_days, is_working_day, working_days_from

DAYS_AHEAD = 10  # how far ahead a member may book
MIN_NOTICE = timedelta(hours=2)  # an officer needs the documents before the call
# A booking ends with its claim: no meeting about a claim that is decided or withdrawn.
ENDING_STATUSES = ("rejected", "cancelled", "paid")
DAY_BEFORE = timedelta(days=1)
HOUR_BEFORE = timedelta(hours=1)

Booking = Appointment | UnlockBooking


class AppointmentError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Slot:
    kind: str
    starts_at: datetime
    seats_left: int


def _for_branch(kind: str) -> bool:
    return kind == AppointmentKind.BRANCH


def _check_kind(kind: str) -> None:
    if kind not in AppointmentKind.values:
        raise AppointmentError("appointment_kind_unknown")


def starts_of(capacity: AppointmentCapacity) -> list[datetime]:
    """Every start a capacity row offers, in local time."""
    day = capacity.day
    first = timezone.make_aware(datetime.combine(day, capacity.first_start))
    last = timezone.make_aware(datetime.combine(day, capacity.last_start))
    step = timedelta(minutes=capacity.slot_minutes)
    starts, at = [], first
    while at <= last:
        starts.append(at)
        at += step
    return starts


def seats_taken(capacity_ids: list[int]) -> dict[tuple[int, datetime], int]:
    """Seats held at each (capacity, start): claims' appointments and face unlock calls
    alike, since both sit on the same officers."""
    taken: dict[tuple[int, datetime], int] = {}
    for model, state in ((Appointment, Appointment.State.BOOKED), (UnlockBooking, "booked")):
        rows = (
            model.objects.filter(status_or_state(model, state), capacity_id__in=capacity_ids)
            .values("capacity_id", "starts_at")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            key = (row["capacity_id"], row["starts_at"])
            taken[key] = taken.get(key, 0) + row["n"]
    return taken


def status_or_state(model: type[Booking], value: str) -> Q:
    """The open-booking filter: ``Appointment.state``, ``UnlockBooking.status``."""
    return Q(state=value) if model is Appointment else Q(status=value)


def free_slots(*, kind: str, now: datetime | None = None, days: int = DAYS_AHEAD) -> list[Slot]:
    """Free starts of ``kind`` from now on, within the published capacity of every desk
    of that kind (a member chooses a time; the desk is the first with a free seat)."""
    _check_kind(kind)
    now = now or timezone.now()
    today: date = timezone.localdate(now)
    last_day = today + timedelta(days=days)
    capacities = list(
        AppointmentCapacity.objects.filter(desk__kind=kind, day__gte=today, day__lte=last_day)
    )
    # Capacity published before an operator closed the office offers nothing that day.
    closed = closed_days(today, last_day, for_branch=_for_branch(kind))
    taken = seats_taken([c.pk for c in capacities])
    left: dict[datetime, int] = {}
    for capacity in capacities:
        if capacity.day in closed:
            continue
        for start in starts_of(capacity):
            if start < now + MIN_NOTICE:
                continue
            free = capacity.seats - taken.get((capacity.pk, start), 0)
            if free > 0:
                left[start] = left.get(start, 0) + free
    return [Slot(kind, start, left[start]) for start in sorted(left)]


def _take_seat(*, kind: str, starts_at: datetime, now: datetime) -> AppointmentCapacity:
    """The capacity row (a desk's day) with a free seat at ``starts_at``. Call inside a
    transaction: the day's capacity rows of ``kind`` stay locked until it commits, so the
    seats counted here cannot be taken meanwhile by anyone else."""
    _check_kind(kind)
    day = timezone.localdate(starts_at)
    if starts_at < now + MIN_NOTICE or not is_working_day(day, for_branch=_for_branch(kind)):
        raise AppointmentError("slot_unavailable")
    # Every desk's row of that day, in one order, so two bookings never wait on each other
    # crosswise; ``of=self`` locks the capacity rows, not the desks they join.
    capacities = list(
        AppointmentCapacity.objects.select_for_update(of=("self",))
        .filter(desk__kind=kind, day=day)
        .order_by("pk")
    )
    taken = seats_taken([c.pk for c in capacities])
    for capacity in capacities:
        if starts_at in starts_of(capacity) and taken.get((capacity.pk, starts_at), 0) < (
            capacity.seats
        ):
            return capacity
    raise AppointmentError("slot_unavailable")


def _audit(
    action: str,
    booking: Booking,
    participant_id: int,
    *,
    actor: str,
    acting_user: Any = None,
    before: dict[str, Any] | None = None,
    why: str = "",
) -> None:
    state = booking.state if isinstance(booking, Appointment) else booking.status
    audit_record(
        actor_kind=actor,
        actor_user=acting_user,
        action=action,
        subject=booking,
        participant=participant_id,
        before=before,
        after={
            "starts_at": booking.starts_at.isoformat(),
            "state": state,
            "capacity": booking.capacity_id,
        },
        why=why,
    )


def book(
    *,
    claim: Claim,
    kind: str,
    starts_at: datetime,
    now: datetime | None = None,
    purpose: str = AppointmentPurpose.CLAIM_VERIFICATION,
    actor: str = "member",
    acting_user: Any = None,
) -> Appointment:
    """Take a seat for ``claim``. Inside the transaction that files the claim, the day's
    capacity rows stay locked until it commits."""
    if purpose not in AppointmentPurpose.values or purpose == AppointmentPurpose.FACE_UNLOCK:
        raise AppointmentError("appointment_purpose_unknown")
    now = now or timezone.now()
    with transaction.atomic():
        capacity = _take_seat(kind=kind, starts_at=starts_at, now=now)
        appointment = Appointment.objects.create(
            claim=claim, capacity=capacity, kind=kind, purpose=purpose, starts_at=starts_at
        )
        _audit(
            "appointment.book",
            appointment,
            claim.participant_id,
            actor=actor,
            acting_user=acting_user,
            why=str(purpose),
        )
    return appointment


def unlock_book(
    *, participant: Participant, starts_at: datetime, now: datetime | None = None
) -> UnlockBooking:
    """Book a video call to open the member's locked face step, on the video desk's
    calendar; a second tap returns the same booking."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = UnlockBooking.objects.filter(
            participant=participant, status=UnlockBooking.Status.BOOKED
        ).first()
        if existing is not None:
            return existing
        try:
            capacity = _take_seat(kind=AppointmentKind.VIDEO, starts_at=starts_at, now=now)
        except AppointmentError as exc:
            raise UnlockRefused(exc.code) from None
        return unlock_booking_create(
            participant=participant, starts_at=starts_at, capacity_id=capacity.pk
        )


def _locked_open(booking: Booking) -> Booking:
    model = type(booking)
    locked = model.objects.select_for_update().get(pk=booking.pk)
    state = locked.state if isinstance(locked, Appointment) else locked.status
    if state != "booked":
        raise AppointmentError("appointment_not_open")
    return locked


def _participant_id(booking: Booking) -> int:
    if isinstance(booking, Appointment):
        return int(Claim.objects.values_list("participant_id", flat=True).get(pk=booking.claim_id))
    return int(booking.participant_id)


def _kind(booking: Booking) -> str:
    return booking.kind if isinstance(booking, Appointment) else AppointmentKind.VIDEO


def booking_reschedule(
    *,
    booking: Booking,
    starts_at: datetime,
    now: datetime | None = None,
    actor: str = "member",
    acting_user: Any = None,
) -> Booking:
    """Move an open booking to another free start of the same kind; its old seat is free
    again. The same start is a no-op (a double tap)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open(booking)
        if locked.starts_at == starts_at:
            return locked
        if locked.starts_at <= now:
            raise AppointmentError("appointment_past")
        before = {"starts_at": locked.starts_at.isoformat(), "capacity": locked.capacity_id}
        capacity = _take_seat(kind=_kind(locked), starts_at=starts_at, now=now)
        locked.capacity, locked.starts_at = capacity, starts_at
        # A new time deserves its own reminders.
        locked.reminded_day_before_at = locked.reminded_hour_before_at = None
        locked.save(
            update_fields=[
                "capacity",
                "starts_at",
                "reminded_day_before_at",
                "reminded_hour_before_at",
            ]
        )
        _audit(
            "appointment.reschedule",
            locked,
            _participant_id(locked),
            actor=actor,
            acting_user=acting_user,
            before=before,
        )
    return locked


def booking_cancel(
    *, booking: Booking, actor: str = "member", acting_user: Any = None, reason: str = ""
) -> Booking:
    """Cancel an open booking: its seat is free again. Cancelling twice is a no-op."""
    with transaction.atomic():
        try:
            locked = _locked_open(booking)
        except AppointmentError:
            return type(booking).objects.get(pk=booking.pk)
        before = {"state": "booked"}
        if isinstance(locked, Appointment):
            locked.state = Appointment.State.CANCELLED
            locked.save(update_fields=["state"])
        else:
            locked.status = UnlockBooking.Status.CANCELLED
            locked.note = reason[:500]
            locked.save(update_fields=["status", "note"])
        _audit(
            "appointment.cancel",
            locked,
            _participant_id(locked),
            actor=actor,
            acting_user=acting_user,
            before=before,
            why=reason,
        )
    return locked


def appointments_end(*, claim: Claim, reason: str) -> int:
    """End a claim's open bookings when the claim is rejected, cancelled or paid: their
    seats are free again. Called inside the claim's change (``claim_transition``)."""
    if claim.status not in ENDING_STATUSES:
        return 0
    ended = 0
    for appointment in Appointment.objects.select_for_update().filter(
        claim=claim, state=Appointment.State.BOOKED
    ):
        appointment.state = Appointment.State.CANCELLED
        appointment.save(update_fields=["state"])
        _audit(
            "appointment.end",
            appointment,
            claim.participant_id,
            actor="system",
            before={"state": "booked"},
            why=reason or f"claim {claim.status}",
        )
        ended += 1
    return ended


def desk_open(*, code: str, name: str, kind: str, branch_code: str = "") -> Desk:
    """A desk the calendar publishes seats for (the same code again finds it)."""
    _check_kind(kind)
    desk, _created = Desk.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "branch_code": branch_code}
    )
    return desk


def desk_for(kind: str) -> Desk:
    """The first desk of ``kind`` (the video desk, or the first branch counter), made if
    none exists yet: a fresh installation still has somewhere to publish seats."""
    _check_kind(kind)
    desk = Desk.objects.filter(kind=kind).order_by("pk").first()
    if desk is None:
        code, name = (
            ("video", "Meja video") if kind == AppointmentKind.VIDEO else ("loket", "Loket cabang")
        )
        desk, _created = Desk.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
    return desk


def capacity_publish(
    *,
    desk: Desk,
    day: date,
    first_start: time,
    last_start: time,
    seats: int,
    slot_minutes: int,
    officer: Any,
) -> AppointmentCapacity:
    """Publish (or change) one desk's seats for one day, on the service's calendar.
    Fewer seats than members already booked at a start are refused: nobody loses a
    booking because the calendar changed; a start with bookings cannot disappear."""
    if not is_working_day(day, for_branch=_for_branch(desk.kind)):
        raise AppointmentError("capacity_closed_day")
    if day < timezone.localdate():
        raise AppointmentError("capacity_past_day")
    if not 1 <= seats <= 50:
        raise AppointmentError("capacity_seats_range")
    if not 5 <= slot_minutes <= 240:
        raise AppointmentError("capacity_slot_range")
    if first_start > last_start:
        raise AppointmentError("capacity_starts_ordered")
    with transaction.atomic():
        capacity = (
            AppointmentCapacity.objects.select_for_update().filter(desk=desk, day=day).first()
        )
        before = None
        if capacity is None:
            capacity = AppointmentCapacity(desk=desk, day=day)
        else:
            before = {
                "first_start": capacity.first_start.isoformat(),
                "last_start": capacity.last_start.isoformat(),
                "seats": capacity.seats,
                "slot_minutes": capacity.slot_minutes,
            }
        capacity.first_start, capacity.last_start = first_start, last_start
        capacity.seats, capacity.slot_minutes = seats, slot_minutes
        if capacity.pk is not None:
            offered = set(starts_of(capacity))
            for (_cap, start), n in seats_taken([capacity.pk]).items():
                if start not in offered or n > seats:
                    raise AppointmentError("capacity_below_bookings")
        capacity.save()
        audit_record(
            actor_kind="officer",
            actor_user=officer,
            action="calendar.publish",
            subject=capacity,
            before=before,
            after={
                "desk": desk.code,
                "day": day.isoformat(),
                "first_start": first_start.isoformat(),
                "last_start": last_start.isoformat(),
                "seats": seats,
                "slot_minutes": slot_minutes,
            },
        )
    return capacity


def publish_capacity(
    *,
    first_day: date,
    working_days: int,
    kind: str,
    hours: tuple[int, int],
    seats: int,
    slot_minutes: int = 30,
    desk: Desk | None = None,
) -> int:
    """Publish the same hours on the next ``working_days`` from ``first_day`` on the
    service's calendar (the branch's for a counter) for ``desk`` (the first of ``kind``);
    a day already published is left as it is. For operators' scripts and the demo."""
    desk = desk or desk_for(kind)
    made = 0
    for day in working_days_from(first_day, working_days, for_branch=_for_branch(desk.kind)):
        _, created = AppointmentCapacity.objects.get_or_create(
            day=day,
            desk=desk,
            defaults={
                "first_start": time(hour=hours[0]),
                "last_start": time(hour=hours[1]),
                "seats": seats,
                "slot_minutes": slot_minutes,
            },
        )
        made += created
    return made


# --- reminders ---------------------------------------------------------------------------


def _reminder_text(booking: Booking, *, hour: bool) -> str:
    when = timezone.localtime(booking.starts_at)
    values = {
        "day": formats.date_format(when, "l, j F Y"),
        "time": formats.time_format(when, "H:i"),
    }
    if isinstance(booking, UnlockBooking) or booking.kind == AppointmentKind.VIDEO:
        if hour:
            return _("Cairkan: your video call with an officer starts at %(time)s.") % values
        return (
            _("Cairkan: reminder, your video call with an officer is on %(day)s at %(time)s.")
            % values
        )
    if hour:
        return _("Cairkan: your visit to the branch office is at %(time)s. Bring your e-KTP.") % (
            values
        )
    return (
        _("Cairkan: reminder, your visit to the branch office is on %(day)s at %(time)s.") % values
    )


def _send_reminder(booking: Booking, field: str, account: Any) -> bool:
    """Write the reminder to the outbox and mark it sent, in one transaction: a rerun
    (a retried task, a second sweeper) finds the mark and sends nothing."""
    model = type(booking)
    with transaction.atomic():
        claimed = model.objects.filter(pk=booking.pk, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
        if not claimed:
            return False
        body = _reminder_text(booking, hour=field == "reminded_hour_before_at")
        if not account.phone:
            return False
        # The member's verified phone, by SMS; a provider adapter may route it to WhatsApp.
        notify(channel="sms", to=account.phone, body=body)
    return True


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind members of their meetings the day before and an hour before, by SMS
    through the outbox. Safe to run as often as wanted and on several machines."""
    now = now or timezone.now()
    sent = 0
    # The hour first: a meeting booked late gets the hour's reminder, not both at once.
    windows = (
        ("reminded_hour_before_at", HOUR_BEFORE),
        ("reminded_day_before_at", DAY_BEFORE),
    )
    for field, ahead in windows:
        due = {f"{field}__isnull": True, "starts_at__gt": now, "starts_at__lte": now + ahead}
        appointments = Appointment.objects.filter(
            state=Appointment.State.BOOKED, **due
        ).select_related("claim__participant__account")
        unlocks = UnlockBooking.objects.filter(
            status=UnlockBooking.Status.BOOKED, **due
        ).select_related("participant__account")
        due_bookings: list[Booking] = [*appointments, *unlocks]
        for booking in due_bookings:
            participant = (
                booking.claim.participant
                if isinstance(booking, Appointment)
                else booking.participant
            )
            account = getattr(participant, "account", None)
            if account is None:
                continue
            # An hour-before reminder makes the day-before one pointless: mark it too.
            if field == "reminded_hour_before_at" and booking.reminded_day_before_at is None:
                type(booking).objects.filter(pk=booking.pk).update(reminded_day_before_at=now)
            with override("id"):  # members read Bahasa Indonesia first
                sent += _send_reminder(booking, field, account)
    return sent
