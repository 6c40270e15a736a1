"""The one officers' calendar (issue 13.1, 13.6): seats per day and desk for every
purpose, booking, moving and cancelling, bookings ending with their claim, reminders
sent once, capacity published by a supervisor and the officers' day."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from backoffice_staff import branches, officer, signed_in
from cairkan.accounts.models import MemberAccount
from cairkan.audit.models import AuditEntry
from cairkan.biometrics.models import FaceEnrolment, FaceStep, UnlockBooking
from cairkan.biometrics.services import UnlockRefused
from cairkan.claims import appointments
from cairkan.claims.models import Appointment, AppointmentCapacity, Claim, Desk
from cairkan.claims.services import claim_transition
from cairkan.members.models import Employer, Membership, Participant
from cairkan.notifications.models import OutboundMessage
from cairkan.workdays.models import Closure
from cairkan.workdays.selectors import working_days_from

pytestmark = pytest.mark.django_db


def _member(nik: str, name: str, *, phone: str = "", locked: bool = False) -> Participant:
    participant = Participant.objects.create(
        nik=nik, full_name=name, birth_date=date(1989, 4, 12), sex="F", mother_maiden_name="Ani"
    )
    if phone:
        user = get_user_model().objects.create_user(username=f"m{nik}", password=None)
        MemberAccount.objects.create(user=user, participant=participant, phone=phone)
    if locked:
        FaceStep.objects.create(
            participant=participant, counted_failures=3, locked_at=timezone.now()
        )
    return participant


def _claim(participant: Participant, *, channel: str = "online_assisted") -> Claim:
    return Claim.objects.create(
        participant=participant,
        reason="retirement",
        channel=channel,
        balance=40_000_000,
        gross=40_000_000,
        tax=0,
        net=40_000_000,
        bank_code="002",
        account_number="005201000019001",
        account_holder=participant.full_name.upper(),
        idempotency_key="k",
        payment_due=timezone.localdate() + timedelta(days=7),
    )


def _first_working_day() -> date:
    return working_days_from(timezone.localdate() + timedelta(days=1), 1)[0]


def _seats(seats: int = 1, kind: str = "video") -> list[datetime]:
    appointments.publish_capacity(
        first_day=_first_working_day(), working_days=2, kind=kind, hours=(8, 10), seats=seats
    )
    return [s.starts_at for s in appointments.free_slots(kind=kind)]


def _free(kind: str = "video") -> list[datetime]:
    return [s.starts_at for s in appointments.free_slots(kind=kind)]


# --- services --------------------------------------------------------------------------


def test_a_claim_and_a_face_unlock_share_one_pool_of_seats() -> None:
    starts = _seats(seats=1)
    claim = _claim(_member("6308055204890001", "Siti Rahmah"))
    locked = _member("6308055204890002", "Nur Aisyah", locked=True)

    appointment = appointments.book(claim=claim, kind="video", starts_at=starts[0])

    assert appointment.capacity.desk.kind == "video"
    assert starts[0] not in _free()
    with pytest.raises(UnlockRefused) as taken:
        appointments.unlock_book(participant=locked, starts_at=starts[0])
    assert taken.value.code == "slot_unavailable"
    booking = appointments.unlock_book(participant=locked, starts_at=starts[1])
    assert booking.capacity == appointment.capacity  # the same desk's day
    assert starts[1] not in _free()


def test_moving_and_cancelling_free_the_seat_and_are_audited() -> None:
    starts = _seats(seats=1)
    claim = _claim(_member("6308055204890001", "Siti Rahmah"))
    appointment = appointments.book(claim=claim, kind="video", starts_at=starts[0])

    appointments.booking_reschedule(booking=appointment, starts_at=starts[2])
    appointment.refresh_from_db()
    assert appointment.starts_at == starts[2]
    assert starts[0] in _free() and starts[2] not in _free()

    appointments.booking_cancel(booking=appointment, reason="cancelled by the member")
    appointments.booking_cancel(booking=appointment)  # a double tap changes nothing more
    appointment.refresh_from_db()
    assert appointment.state == "cancelled"
    assert starts[2] in _free()
    with pytest.raises(appointments.AppointmentError) as closed:
        appointments.booking_reschedule(booking=appointment, starts_at=starts[3])
    assert closed.value.code == "appointment_not_open"

    trail = AuditEntry.objects.filter(subject_id=str(appointment.pk)).order_by("sequence")
    assert [e.action for e in trail] == [
        "appointment.book",
        "appointment.reschedule",
        "appointment.cancel",
    ]
    assert {e.participant_id for e in trail} == {claim.participant_id}


def test_a_full_time_cannot_be_taken_by_moving_either() -> None:
    starts = _seats(seats=1)
    first = appointments.book(
        claim=_claim(_member("6308055204890001", "Siti Rahmah")), kind="video", starts_at=starts[0]
    )
    second = appointments.book(
        claim=_claim(_member("6308055204890002", "Nur Aisyah")), kind="video", starts_at=starts[1]
    )
    with pytest.raises(appointments.AppointmentError) as full:
        appointments.booking_reschedule(booking=second, starts_at=first.starts_at)
    assert full.value.code == "slot_unavailable"
    second.refresh_from_db()
    assert second.starts_at == starts[1]  # kept where it was


@pytest.mark.parametrize(
    ("path", "ends"),
    [
        (["rejected"], True),
        (["cancelled"], True),
        (["approved", "paid"], True),
        (["in_review"], False),
    ],
)
def test_a_booking_ends_when_its_claim_is_rejected_cancelled_or_paid(path, ends) -> None:
    starts = _seats(seats=1)
    claim = _claim(_member("6308055204890001", "Siti Rahmah"))
    appointment = appointments.book(claim=claim, kind="video", starts_at=starts[0])

    for status in path:
        claim = claim_transition(
            claim=claim,
            to_status=status,
            actor="system",
            reason="test",
            rejection_code="documents_incomplete" if status == "rejected" else "",
        )

    appointment.refresh_from_db()
    assert appointment.state == ("cancelled" if ends else "booked")
    assert (starts[0] in _free()) is ends


def test_a_day_closed_after_booking_offers_no_new_seat() -> None:
    starts = _seats(seats=2)
    day = timezone.localdate(starts[0])
    Closure.objects.create(first_day=day, last_day=day, reason="Banjir")
    assert all(timezone.localdate(s) != day for s in _free())
    with pytest.raises(appointments.AppointmentError):
        appointments.book(
            claim=_claim(_member("6308055204890001", "Siti Rahmah")),
            kind="video",
            starts_at=starts[0],
        )


# --- reminders ---------------------------------------------------------------------------


def _messages_to(phone: str) -> list[str]:
    return list(OutboundMessage.objects.filter(to=phone).values_list("body", flat=True))


def test_reminders_go_the_day_before_and_an_hour_before_once_each() -> None:
    starts = _seats(seats=2)
    siti = _member("6308055204890001", "Siti Rahmah", phone="+6281234500001")
    aisyah = _member("6308055204890002", "Nur Aisyah", phone="+6281234500002", locked=True)
    appointment = appointments.book(claim=_claim(siti), kind="video", starts_at=starts[1])
    unlock = appointments.unlock_book(participant=aisyah, starts_at=starts[1])
    at = starts[1]

    assert appointments.reminders_send(now=at - timedelta(hours=30)) == 0  # too early
    assert appointments.reminders_send(now=at - timedelta(hours=23)) == 2
    # A rerun (a retried task, a second sweeper) sends nothing again.
    assert appointments.reminders_send(now=at - timedelta(hours=23)) == 0
    assert appointments.reminders_send(now=at - timedelta(hours=2)) == 0
    assert appointments.reminders_send(now=at - timedelta(minutes=50)) == 2
    assert appointments.reminders_send(now=at - timedelta(minutes=40)) == 0

    for phone in ("+6281234500001", "+6281234500002"):
        bodies = _messages_to(phone)
        assert len(bodies) == 2, bodies
        assert all("panggilan video" in body for body in bodies), bodies  # in Indonesian
    appointment.refresh_from_db()
    unlock.refresh_from_db()
    assert appointment.reminded_hour_before_at and unlock.reminded_day_before_at


def test_a_moved_booking_is_reminded_of_its_new_time_and_a_cancelled_one_not_at_all() -> None:
    starts = _seats(seats=2)
    siti = _member("6308055204890001", "Siti Rahmah", phone="+6281234500001")
    appointment = appointments.book(claim=_claim(siti), kind="video", starts_at=starts[0])
    assert appointments.reminders_send(now=starts[0] - timedelta(hours=20)) == 1

    appointments.booking_reschedule(booking=appointment, starts_at=starts[-1])
    assert appointments.reminders_send(now=starts[-1] - timedelta(hours=20)) == 1
    appointments.booking_cancel(booking=appointment)
    assert appointments.reminders_send(now=starts[-1] - timedelta(minutes=30)) == 0
    assert len(_messages_to("+6281234500001")) == 2


def test_a_late_booking_gets_only_the_hour_reminder() -> None:
    starts = _seats(seats=1)
    siti = _member("6308055204890001", "Siti Rahmah", phone="+6281234500001")
    appointments.book(claim=_claim(siti), kind="video", starts_at=starts[0])
    assert appointments.reminders_send(now=starts[0] - timedelta(minutes=30)) == 1
    assert appointments.reminders_send(now=starts[0] - timedelta(minutes=20)) == 0
    assert len(_messages_to("+6281234500001")) == 1


# --- publishing -------------------------------------------------------------------------


def test_publishing_refuses_closed_days_and_never_drops_a_booking() -> None:
    supervisor = officer("penyelia", "Penyelia")
    desk = appointments.desk_for("video")
    saturday = timezone.localdate() + timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    with pytest.raises(appointments.AppointmentError) as closed:
        appointments.capacity_publish(
            desk=desk,
            day=saturday,
            first_start=time(8),
            last_start=time(12),
            seats=2,
            slot_minutes=30,
            officer=supervisor,
        )
    assert closed.value.code == "capacity_closed_day"

    day = _first_working_day()
    capacity = appointments.capacity_publish(
        desk=desk,
        day=day,
        first_start=time(8),
        last_start=time(12),
        seats=2,
        slot_minutes=30,
        officer=supervisor,
    )
    nine = timezone.make_aware(datetime.combine(day, time(9)))
    claims = [_claim(_member(f"630805520489000{n}", f"Anggota {n}")) for n in (1, 2)]
    for claim in claims:
        appointments.book(claim=claim, kind="video", starts_at=nine)
    for change in ({"seats": 1}, {"first_start": time(10)}):
        fields = {"first_start": time(8), "seats": 2, **change}
        with pytest.raises(appointments.AppointmentError) as dropped:
            appointments.capacity_publish(
                desk=desk,
                day=day,
                last_start=time(12),
                slot_minutes=30,
                officer=supervisor,
                **fields,
            )
        assert dropped.value.code == "capacity_below_bookings"
    appointments.capacity_publish(
        desk=desk,
        day=day,
        first_start=time(8),
        last_start=time(14),
        seats=3,
        slot_minutes=30,
        officer=supervisor,
    )
    capacity.refresh_from_db()
    assert (capacity.seats, capacity.last_start) == (3, time(14))
    published = AuditEntry.objects.filter(action="calendar.publish").order_by("sequence")
    assert [(e.before or {}).get("seats") for e in published] == [None, 2]
    assert published.last().actor_user_id == supervisor.pk


# --- the back office --------------------------------------------------------------------


def test_a_supervisor_publishes_a_day_on_the_calendar_page() -> None:
    amuntai, _other = branches()
    client = signed_in(officer("penyelia", "Penyelia", posted=amuntai))
    desk = Desk.objects.create(code="loket-amuntai", name="Loket KC Amuntai", kind="branch")
    day = _first_working_day()
    page = client.get("/kantor/kalender/")
    assert page.status_code == 200 and "Loket KC Amuntai" in page.content.decode()

    response = client.post(
        "/kantor/kalender/",
        {
            "desk": desk.pk,
            "day": day.isoformat(),
            "first_start": "08:00",
            "last_start": "11:00",
            "slot_minutes": "30",
            "seats": "3",
        },
    )
    assert response.status_code == 302
    capacity = AppointmentCapacity.objects.get(desk=desk, day=day)
    assert (capacity.seats, capacity.first_start, capacity.last_start) == (3, time(8), time(11))
    assert len(_free("branch")) == 7 * 1  # 08.00–11.00 every 30 minutes, on that day

    bad = client.post(
        "/kantor/kalender/",
        {
            "desk": desk.pk,
            "day": day.isoformat(),
            "first_start": "12:00",
            "last_start": "11:00",
            "slot_minutes": "30",
            "seats": "3",
        },
    )
    assert bad.status_code == 400
    assert "Jam mulai terakhir" in bad.content.decode()


def _in_branch(participant: Participant, regency: str = "63.08") -> None:
    employer = Employer.objects.create(
        registration_number=participant.nik[-8:], name="PT Contoh", district_code=f"{regency}.05"
    )
    Membership.objects.create(
        participant=participant,
        employer=employer,
        kpj="11" + participant.nik[-9:],
        start_date=date(2015, 1, 5),
    )


def test_officers_see_their_day_who_why_and_what_to_check() -> None:
    amuntai, other = branches()
    starts = _seats(seats=2)
    siti = _member("6308055204890001", "Siti Rahmah")
    aisyah = _member("6308055204890002", "Nur Aisyah", locked=True)
    for person in (siti, aisyah):
        _in_branch(person)
    claim = _claim(siti)
    appointments.book(claim=claim, kind="video", starts_at=starts[0])
    unlock = appointments.unlock_book(participant=aisyah, starts_at=starts[1])
    day = timezone.localdate(starts[0]).isoformat()

    page = signed_in(officer("loket", "Petugas loket", posted=amuntai)).get(
        f"/kantor/hari/?hari={day}"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Siti Rahmah" in text and "Nur Aisyah" in text
    assert f"/kantor/klaim/{claim.public_id}/" in text  # to the claim's review
    assert f"/biometrics/unlockbooking/{unlock.pk}/" in text  # to the face step's booking
    assert "Verifikasi klaim" in text and "Buka kunci verifikasi wajah" in text
    assert "e-KTP" in text  # what to check

    elsewhere = signed_in(officer("luar", "Petugas loket", posted=other)).get(
        f"/kantor/hari/?hari={day}"
    )
    assert "Siti Rahmah" not in elsewhere.content.decode()


# --- the member's pages -----------------------------------------------------------------


def _member_client(participant: Participant) -> Client:
    FaceEnrolment.objects.create(
        participant=participant, embedding=np.zeros(128).tobytes(), registry_distance=0.3
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(participant.account.user)
    return client


def _times_of_first_day(client: Client, path: str) -> list[str]:
    page = client.get(path).content.decode()
    assert 'name="starts_at"' not in page  # a day first
    day = re.findall(r"hari=(\d{4}-\d{2}-\d{2})", page)[0]
    page = client.get(f"{path}?hari={day}").content.decode()
    return re.findall(r'name="starts_at" value="([^"]+)"', page)


def test_members_see_move_and_cancel_a_claims_appointment() -> None:
    starts = _seats(seats=1)
    siti = _member("6308055204890001", "Siti Rahmah", phone="+6281234500001")
    claim = _claim(siti)
    appointment = appointments.book(claim=claim, kind="video", starts_at=starts[0])
    client = _member_client(siti)

    for page in (f"/klaim/{claim.public_id}/", "/akun/"):
        text = client.get(page).content.decode()
        assert "Janji temu saya dengan petugas" in text, page
        assert f"/klaim/{claim.public_id}/jadwal/" in text
        assert f"/klaim/{claim.public_id}/jadwal/batal/" in text

    times = _times_of_first_day(client, f"/klaim/{claim.public_id}/jadwal/")
    assert starts[0].isoformat() not in times  # its own seat is taken
    response = client.post(f"/klaim/{claim.public_id}/jadwal/", {"starts_at": times[-1]})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == datetime.fromisoformat(times[-1])

    refused = client.post(f"/klaim/{claim.public_id}/jadwal/", {"starts_at": "kemarin"})
    assert refused.status_code == 400
    assert "Pilih salah satu waktu yang kosong" in refused.content.decode()

    client.post(f"/klaim/{claim.public_id}/jadwal/batal/")
    appointment.refresh_from_db()
    assert appointment.state == "cancelled"
    text = client.get(f"/klaim/{claim.public_id}/").content.decode()
    assert "Pilih waktu" in text  # the claim still needs a time: book again
    response = client.post(f"/klaim/{claim.public_id}/jadwal/", {"starts_at": times[0]})
    assert response.status_code == 302
    assert claim.appointments.filter(state="booked").count() == 1


def test_another_members_claim_cannot_be_booked_or_cancelled() -> None:
    starts = _seats(seats=1)
    siti = _member("6308055204890001", "Siti Rahmah", phone="+6281234500001")
    aisyah = _member("6308055204890002", "Nur Aisyah", phone="+6281234500002")
    claim = _claim(siti)
    appointment = appointments.book(claim=claim, kind="video", starts_at=starts[0])
    intruder = _member_client(aisyah)
    assert intruder.get(f"/klaim/{claim.public_id}/jadwal/").status_code == 404
    assert intruder.post(f"/klaim/{claim.public_id}/jadwal/batal/").status_code == 404
    appointment.refresh_from_db()
    assert appointment.state == "booked"


def test_members_move_and_cancel_the_face_steps_video_call() -> None:
    starts = _seats(seats=1)
    aisyah = _member("6308055204890002", "Nur Aisyah", phone="+6281234500002", locked=True)
    booking = appointments.unlock_book(participant=aisyah, starts_at=starts[0])
    client = _member_client(aisyah)
    text = client.get("/akun/").content.decode()
    assert "/wajah/jadwal/" in text and "buka kunci verifikasi wajah" in text

    times = _times_of_first_day(client, "/wajah/jadwal/")
    assert client.post("/wajah/jadwal/", {"starts_at": times[1]}).status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == datetime.fromisoformat(times[1])

    client.post("/wajah/jadwal/batal/")
    booking.refresh_from_db()
    assert booking.status == UnlockBooking.Status.CANCELLED
    assert client.get("/wajah/jadwal/")["Location"] == "/wajah/terkunci/"


def test_a_claim_on_the_app_needs_no_appointment() -> None:
    _seats()
    siti = _member("6308055204890001", "Siti Rahmah", phone="+6281234500001")
    claim = _claim(siti, channel="app")
    client = _member_client(siti)
    assert client.get(f"/klaim/{claim.public_id}/jadwal/").status_code == 302
    assert client.post(f"/klaim/{claim.public_id}/jadwal/", {"starts_at": _free()[0].isoformat()})
    assert not Appointment.objects.exists()
    assert "Janji temu saya" not in client.get(f"/klaim/{claim.public_id}/").content.decode()


def test_the_reminders_command_sends_each_reminder_once() -> None:
    starts = _seats(seats=1)
    siti = _member("6308055204890001", "Siti Rahmah", phone="+6281234500001")
    appointments.book(claim=_claim(siti), kind="video", starts_at=starts[0])
    # The booking starts within a day of a moment we pretend is now.
    Appointment.objects.update(starts_at=timezone.now() + timedelta(hours=5))
    call_command("appointment_reminders")
    call_command("appointment_reminders")  # a retry, a second machine, a restart
    assert len(_messages_to("+6281234500001")) == 1
