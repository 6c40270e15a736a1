"""The back office as a whole: roles, read-only records, add pages that never fail, and
a login that cannot be guessed at."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.utils import timezone

from cairkan.accounts.models import ThrottleEvent
from cairkan.biometrics.models import FaceStep
from cairkan.claims.models import ClaimDraft
from cairkan.members.models import Participant
from staff_users import ROLES, logged_in, staff_user

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"


def _url(model: type, page: str = "add/") -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{page}"


def test_the_roles_exist_and_none_is_a_superuser() -> None:
    for role in ROLES:
        user = staff_user(role.replace(" ", "").lower(), role=role)
        assert user.get_all_permissions(), role
        assert not user.is_superuser


def test_no_add_page_fails_with_an_empty_form() -> None:
    # Every permission there is, as a user (not a superuser): what a role could be given.
    user = staff_user("semua", *_all_permissions())
    client = logged_in(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    addable = [m for m, a in admin.site._registry.items() if a.has_add_permission(request)]
    for model in addable:
        assert client.get(_url(model)).status_code == 200, model
        assert client.post(_url(model), {}).status_code == 200, model  # the form's errors
    assert FaceStep not in addable and ClaimDraft not in addable


@pytest.mark.parametrize(
    "model_name",
    [
        "claims.claimdraft",
        "claims.documentupload",
        "integrations.sandboxtransfer",
        "payouts.payout",
    ],
)
def test_records_the_service_creates_cannot_be_typed_in_by_hand(model_name: str) -> None:
    app_label, name = model_name.split(".")
    perms = [f"{app_label}.{verb}_{name}" for verb in ("view", "add", "change", "delete")]
    client = logged_in(staff_user("penuh", *perms))
    assert client.get(f"/admin/{app_label}/{name}/add/").status_code == 403
    assert client.post(f"/admin/{app_label}/{name}/add/", {}).status_code == 403


def test_the_auditor_reads_every_page_and_changes_nothing() -> None:
    auditor = staff_user("auditor", role="Auditor")
    client = logged_in(auditor)
    request = RequestFactory().get("/admin/")
    request.user = auditor
    for model, model_admin in admin.site._registry.items():
        assert client.get(_url(model, "")).status_code == 200, model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        # Reading out is the one action an auditor has: the audit trail's CSV export.
        assert set(model_admin.get_actions(request)) <= {"export_csv"}, model


def test_the_admin_opens_no_face_step() -> None:
    """Opening a locked face step needs the desk's checklist at the booked time
    (/kantor/wajah/, desk_unlock): the admin offers no shortcut around it."""
    member = Participant.objects.create(
        nik="6308055204890001",
        full_name="Siti",
        birth_date=date(1989, 4, 12),
        sex="F",
        mother_maiden_name="Aminah",
    )
    step = FaceStep.objects.create(participant=member, counted_failures=3, locked_at=timezone.now())
    client = logged_in(staff_user("verifikator", role="Verifikator"))
    action = {"action": "open_by_video_call", "_selected_action": [str(step.pk)]}
    client.post("/admin/biometrics/facestep/", {**action, "apply": "1", "note": "dicek"})
    step.refresh_from_db()
    assert step.locked_at is not None


# --- the admin login ---------------------------------------------------------------------
def _login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def officer() -> object:
    return get_user_model().objects.create_user(
        "petugas", password="Benar-Sekali-77", is_staff=True
    )


def test_wrong_passwords_lock_the_username_however_it_is_spelled(officer) -> None:
    client = Client()
    for spelling in ("petugas", "PETUGAS", " petugas", "Petugas", "petugas "):
        page = _login(client, spelling, "salah")
        assert page.status_code == 200 and "_auth_user_id" not in client.session
    answer = _login(client, "petugas", "Benar-Sekali-77", address="10.9.9.9")
    assert "coba lagi pukul" in answer.content.decode()
    assert "_auth_user_id" not in client.session  # the right password waits its turn too
    # Once the failures age out of the window, the right password works again.
    ThrottleEvent.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert _login(client, "petugas", "Benar-Sekali-77").status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_one_client_guessing_many_usernames_is_stopped(officer) -> None:
    client = Client()
    for n in range(20):
        _login(client, f"tebak{n}", "salah", address="10.0.0.7")
    answer = _login(client, "petugas", "Benar-Sekali-77", address="10.0.0.7")
    assert "coba lagi pukul" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    assert _login(client, "petugas", "Benar-Sekali-77", address="10.0.0.8").status_code == 302


def test_a_successful_login_clears_the_username_failures(officer) -> None:
    client = Client()
    for _ in range(4):
        _login(client, "petugas", "salah")
    assert _login(client, "petugas", "Benar-Sekali-77").status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "petugas", "salah", address="10.0.0.2")
    assert _login(client, "petugas", "Benar-Sekali-77", address="10.0.0.2").status_code == 302


def _all_permissions() -> list[str]:
    from django.contrib.auth.models import Permission

    return [
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    ]
