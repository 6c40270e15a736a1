"""The last seat of the officers' calendar, taken at the same moment by two members: one
gets it, the other is told the time is no longer free — whether both want a video call
to open their face step, or one of them wants it for a claim's verification (one
calendar, one pool of officers)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cairkan.biometrics.models import FaceStep, UnlockBooking
from cairkan.biometrics.services import UnlockRefused
from cairkan.claims import appointments
from cairkan.claims.models import Appointment, Claim
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


def _one_seat_tomorrow_on() -> object:
    appointments.publish_capacity(
        first_day=timezone.localdate() + timedelta(days=1),
        working_days=1,
        kind="video",
        hours=(8, 15),
        seats=1,
    )
    return appointments.free_slots(kind="video")[0].starts_at


def _race(monkeypatch, attempts: list[Callable[[], object]]) -> list[str]:
    """Run the attempts at once. Each waits just before writing its booking until the
    other arrives (or 2 s pass, when the other is held back by a lock): without the
    shared lock on the capacity row both would write."""
    both_checked = threading.Barrier(2, timeout=2)
    for model in (UnlockBooking, Appointment):
        create = model.objects.create

        def create_when_both_checked(create=create, **fields: object) -> object:
            with contextlib.suppress(threading.BrokenBarrierError):
                both_checked.wait()
            return create(**fields)

        monkeypatch.setattr(model.objects, "create", create_when_both_checked)
    outcomes: list[str] = []
    guard = threading.Lock()

    def run(attempt: Callable[[], object]) -> None:
        try:
            attempt()
            outcome = "booked"
        except (UnlockRefused, appointments.AppointmentError) as refused:
            outcome = refused.code
        finally:
            connection.close()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_members_racing_for_the_last_seat_get_it_once(monkeypatch) -> None:
    members = [
        _locked_out("6308055204890001", "Siti Rahmah"),
        _locked_out("6308055204890002", "Nur Aisyah"),
    ]
    last_seat = _one_seat_tomorrow_on()

    outcomes = _race(
        monkeypatch,
        [lambda m=m: appointments.unlock_book(participant=m, starts_at=last_seat) for m in members],
    )

    assert outcomes == ["booked", "slot_unavailable"]
    assert UnlockBooking.objects.filter(starts_at=last_seat, status="booked").count() == 1
    assert last_seat not in [s.starts_at for s in appointments.free_slots(kind="video")]


def test_a_claim_and_a_face_unlock_racing_for_the_last_seat_get_it_once(monkeypatch) -> None:
    locked = _locked_out("6308055204890001", "Siti Rahmah")
    claimant = Participant.objects.create(
        nik="6308055204890003",
        full_name="Nur Aisyah",
        birth_date=date(1989, 4, 12),
        sex="F",
        mother_maiden_name="Ani",
    )
    claim = Claim.objects.create(
        participant=claimant,
        reason="resignation",
        channel="online_assisted",
        balance=12_000_000,
        gross=12_000_000,
        tax=0,
        net=12_000_000,
        bank_code="002",
        account_number="005201000019001",
        account_holder="NUR AISYAH",
        idempotency_key="race",
        payment_due=timezone.localdate() + timedelta(days=7),
    )
    last_seat = _one_seat_tomorrow_on()

    outcomes = _race(
        monkeypatch,
        [
            lambda: appointments.unlock_book(participant=locked, starts_at=last_seat),
            lambda: appointments.book(claim=claim, kind="video", starts_at=last_seat),
        ],
    )

    assert outcomes == ["booked", "slot_unavailable"]
    held = UnlockBooking.objects.filter(starts_at=last_seat, status="booked").count()
    held += Appointment.objects.filter(starts_at=last_seat, state="booked").count()
    assert held == 1
