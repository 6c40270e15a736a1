"""Two locked-out members booking the last seat of one video call at the same moment:
one gets it, the other is told the time is no longer free."""

from __future__ import annotations

import contextlib
import threading
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from cairkan.biometrics.models import FaceStep, UnlockBooking
from cairkan.biometrics.services import UnlockRefused, unlock_booking_create, video_slots
from cairkan.members.models import Participant

# SQLite's IMMEDIATE transactions let one writer in at a time, so the two bookings are
# serialised whatever the code locks; the race is PostgreSQL's (row locks, MVCC reads).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the race needs concurrent writers: run with scripts/with-postgres",
    ),
]


def _locked_out(nik: str, name: str) -> Participant:
    member = Participant.objects.create(
        nik=nik, full_name=name, birth_date=date(1989, 4, 12), sex="F", mother_maiden_name="Ani"
    )
    FaceStep.objects.create(participant=member, counted_failures=3, locked_at=timezone.now())
    return member


def test_two_members_racing_for_the_last_seat_get_it_once(settings, monkeypatch) -> None:
    settings.CAIRKAN_FACE_POLICY = {"video_slot_capacity": 1}
    members = [
        _locked_out("6308055204890001", "Siti Rahmah"),
        _locked_out("6308055204890002", "Nur Aisyah"),
    ]
    last_seat = video_slots()[0]
    # Both bookings wait here, just before writing, until the other arrives (or 2 s pass,
    # when the other is held back by a lock): without a shared lock both would write.
    both_checked = threading.Barrier(2, timeout=2)
    create = UnlockBooking.objects.create

    def create_when_both_checked(**fields: object) -> UnlockBooking:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()
        return create(**fields)

    monkeypatch.setattr(UnlockBooking.objects, "create", create_when_both_checked)
    outcomes: list[str] = []
    guard = threading.Lock()

    def book(member: Participant) -> None:
        try:
            unlock_booking_create(participant=member, starts_at=last_seat)
            outcome = "booked"
        except UnlockRefused as refused:
            outcome = refused.code
        finally:
            connection.close()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=book, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["booked", "slot_unavailable"]
    assert UnlockBooking.objects.filter(starts_at=last_seat, status="booked").count() == 1
    assert last_seat not in video_slots()
