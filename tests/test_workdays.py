"""The service's one working-day calendar and the three places that count on it: the
payment date (service level), published appointment capacity and the face step's video
calls. 2026's cuti bersama (joint ministerial decree) are offices-closed days."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from cairkan.claims import appointments
from cairkan.claims.models import AppointmentCapacity, AppointmentKind, Claim
from cairkan.claims.services import payment_due
from cairkan.workdays.models import Closure
from cairkan.workdays.selectors import (
    add_working_days,
    is_working_day,
    national_days_off,
    working_days_from,
)

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")

# Cuti bersama 2026 on weekdays (SKB 3 Menteri), as the holidays package's GOVERNMENT
# category gives them.
CUTI_BERSAMA_2026 = [
    date(2026, 2, 16),  # Imlek
    date(2026, 3, 18),  # Nyepi
    date(2026, 3, 20),  # Idul Fitri
    date(2026, 3, 23),
    date(2026, 3, 24),
    date(2026, 5, 15),  # Kenaikan Yesus Kristus
    date(2026, 5, 28),  # Idul Adha
    date(2026, 12, 24),  # Natal
]


def test_2026_has_17_public_holidays_and_8_weekday_cuti_bersama() -> None:
    days_off = national_days_off(2026)

    assert len(days_off) == 17 + 8
    assert all(day in days_off for day in CUTI_BERSAMA_2026)
    assert all(day.weekday() < 5 for day in CUTI_BERSAMA_2026)


@pytest.mark.parametrize("day", CUTI_BERSAMA_2026)
def test_a_cuti_bersama_day_is_not_a_working_day(day) -> None:
    assert not is_working_day(day)
    assert not is_working_day(day, for_branch=True)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 23), True),  # a Wednesday
        (date(2026, 12, 25), False),  # Natal (public holiday)
        (date(2026, 12, 26), False),  # Saturday
        (date(2026, 12, 27), False),  # Sunday
        (date(2026, 8, 17), False),  # Hari Kemerdekaan
    ],
)
def test_weekends_and_public_holidays(day, working) -> None:
    assert is_working_day(day) is working


def test_add_working_days_steps_over_lebaran() -> None:
    # 18 March cuti bersama, 19 Nyepi, 20 cuti, 21-22 Idul Fitri (weekend), 23-24 cuti.
    assert add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 25)
    assert add_working_days(date(2026, 3, 17), 0) == date(2026, 3, 17)
    assert working_days_from(date(2026, 3, 16), 3) == [
        date(2026, 3, 16),
        date(2026, 3, 17),
        date(2026, 3, 25),
    ]


def test_working_days_run_past_the_lookahead_and_the_year_end() -> None:
    days = working_days_from(date(2026, 12, 1), 60)

    assert len(days) == 60 == len(set(days))
    assert days[-1].year == 2027
    assert not set(days) & (national_days_off(2026) | national_days_off(2027))
    assert all(day.weekday() < 5 for day in days)


def test_an_operator_closure_removes_its_days() -> None:
    Closure.objects.create(
        first_day=date(2026, 12, 1), last_day=date(2026, 12, 2), reason="Banjir di Amuntai"
    )

    assert not is_working_day(date(2026, 12, 1))
    assert not is_working_day(date(2026, 12, 2))
    assert is_working_day(date(2026, 12, 3))
    assert add_working_days(date(2026, 11, 30), 1) == date(2026, 12, 3)


def test_a_branch_closure_closes_the_counter_only() -> None:
    Closure.objects.create(
        first_day=date(2026, 12, 1),
        last_day=date(2026, 12, 1),
        scope=Closure.Scope.BRANCH,
        reason="Renovasi kantor cabang",
    )

    assert is_working_day(date(2026, 12, 1))
    assert not is_working_day(date(2026, 12, 1), for_branch=True)


def test_a_closure_ending_before_it_starts_is_refused_in_words() -> None:
    closure = Closure(first_day=date(2026, 12, 2), last_day=date(2026, 12, 1), reason="x")

    with pytest.raises(ValidationError) as error:
        closure.full_clean()

    assert error.value.messages == ["Hari terakhir tidak boleh sebelum hari pertama."]


# --- the three callers ------------------------------------------------------------------


def test_payment_due_skips_cuti_bersama_and_closures() -> None:
    # 23 Dec working, 24 cuti bersama, 25 Natal, 26-27 weekend.
    assert payment_due(date(2026, 12, 22), 2) == date(2026, 12, 28)
    Closure.objects.create(first_day=date(2026, 12, 28), last_day=date(2026, 12, 28), reason="x")
    assert payment_due(date(2026, 12, 22), 2) == date(2026, 12, 29)


@pytest.mark.parametrize("kind", AppointmentKind.values)
def test_capacity_is_never_published_on_cuti_bersama(kind) -> None:
    appointments.publish_capacity(
        first_day=date(2026, 12, 23), working_days=3, kind=kind, hours=(8, 15), seats=2
    )

    days = list(AppointmentCapacity.objects.filter(desk__kind=kind).values_list("day", flat=True))
    assert days == [date(2026, 12, 23), date(2026, 12, 28), date(2026, 12, 29)]


def _capacity(day: date, kind: str = AppointmentKind.VIDEO) -> None:
    AppointmentCapacity.objects.create(
        day=day, desk=appointments.desk_for(kind), first_start=time(8), last_start=time(9), seats=1
    )


def _slot_days(kind: str) -> set[date]:
    now = datetime(2026, 12, 22, 7, 0, tzinfo=WITA)
    return {timezone.localdate(s.starts_at) for s in appointments.free_slots(kind=kind, now=now)}


def test_no_slot_is_offered_on_a_day_closed_after_publishing() -> None:
    for day in (date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 28)):
        _capacity(day)
        _capacity(day, AppointmentKind.BRANCH)
    assert _slot_days("video") == {date(2026, 12, 23), date(2026, 12, 28)}  # 24: cuti bersama

    Closure.objects.create(
        first_day=date(2026, 12, 28),
        last_day=date(2026, 12, 28),
        scope=Closure.Scope.BRANCH,
        reason="Renovasi",
    )
    assert _slot_days("video") == {date(2026, 12, 23), date(2026, 12, 28)}
    assert _slot_days("branch") == {date(2026, 12, 23)}

    Closure.objects.create(first_day=date(2026, 12, 23), last_day=date(2026, 12, 23), reason="x")
    assert _slot_days("video") == {date(2026, 12, 28)}


def test_booking_a_closed_day_is_refused() -> None:
    _capacity(date(2026, 12, 24))  # published by hand on cuti bersama
    with pytest.raises(appointments.AppointmentError) as error:
        appointments.book(
            claim=Claim(),  # never saved: the refusal comes before the seat is written
            kind="video",
            starts_at=datetime(2026, 12, 24, 8, 0, tzinfo=WITA),
            now=datetime(2026, 12, 22, 7, 0, tzinfo=WITA),
        )
    assert error.value.code == "slot_unavailable"


def test_video_calls_to_open_the_face_step_skip_cuti_bersama_and_closures() -> None:
    """The face step's video calls are seats of the one calendar: published on working
    days only, and a day closed afterwards offers none."""
    now = datetime(2026, 12, 22, 10, 0, tzinfo=WITA)
    appointments.publish_capacity(
        first_day=date(2026, 12, 23), working_days=3, kind="video", hours=(8, 15), seats=2
    )

    days = {timezone.localdate(s.starts_at) for s in appointments.free_slots(kind="video", now=now)}
    assert days == {date(2026, 12, 23), date(2026, 12, 28), date(2026, 12, 29)}

    Closure.objects.create(first_day=date(2026, 12, 28), last_day=date(2026, 12, 28), reason="x")
    days = {timezone.localdate(s.starts_at) for s in appointments.free_slots(kind="video", now=now)}
    assert days == {date(2026, 12, 23), date(2026, 12, 29)}


def test_only_the_calendar_reads_the_holidays_package() -> None:
    """One calendar for the service: no app keeps its own copy of the holiday list."""
    src = Path(__file__).parents[1] / "src" / "cairkan"
    readers = sorted(
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "import holidays" in path.read_text(encoding="utf-8")
    )
    assert readers == ["workdays/selectors.py"]


# --- the operator's admin ---------------------------------------------------------------


def _staff_client(*permissions: str) -> Client:
    user = get_user_model().objects.create_user("operator", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    client = Client()
    client.force_login(user)
    return client


def test_an_operator_closes_the_office_in_the_admin() -> None:
    client = _staff_client("add_closure", "view_closure")
    assert is_working_day(date(2026, 12, 23))

    response = client.post(
        "/admin/workdays/closure/add/",
        {
            "first_day": "2026-12-23",
            "last_day": "2026-12-23",
            "scope": "service",
            "reason": "Hari Jadi Kabupaten",
        },
    )

    assert response.status_code == 302
    assert not is_working_day(date(2026, 12, 23))


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"first_day": "2026-12-23", "last_day": "2026-12-22", "scope": "service", "reason": "x"},
        {"first_day": "kemarin", "last_day": "", "scope": "branch", "reason": ""},
    ],
)
def test_a_bad_closure_form_is_answered_in_words(form) -> None:
    response = _staff_client("add_closure", "view_closure").post(
        "/admin/workdays/closure/add/", form
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Closure.objects.exists()


def test_staff_without_the_permission_cannot_close_the_office() -> None:
    response = _staff_client().post(
        "/admin/workdays/closure/add/",
        {"first_day": "2026-12-23", "last_day": "2026-12-23", "scope": "service", "reason": "x"},
    )

    assert response.status_code == 403
    assert not Closure.objects.exists()
