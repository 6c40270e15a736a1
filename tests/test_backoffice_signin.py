"""Officers sign in with a password and a TOTP code: a device is enrolled only with a
one-time code an operator issued (never on the password alone), from a QR drawn on the
server; the staff login limit on every step, a new session key, and the key never shown
again once enrolled."""

from __future__ import annotations

import re
from base64 import b32decode
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairkan.accounts.staff_login import STAFF_ACCOUNT_LIMIT
from cairkan.audit.models import AuditEntry
from cairkan.backoffice.models import StaffEnrolment
from staff_users import staff_user

pytestmark = pytest.mark.django_db
LOGIN = reverse("backoffice:login")
QUEUE = reverse("backoffice:queue")


def code_for(device: TOTPDevice) -> str:
    """The code the officer's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"


def issue(username: str, **options: object) -> str:
    """What the operator runs: ``cairkan staff-enrol USERNAME``; the code it prints."""
    out = StringIO()
    call_command("staff_enrol", username, stdout=out, **options)
    match = re.search(r"Enrolment code for \S+: ([A-Z2-7-]+)", out.getvalue())
    assert match, out.getvalue()
    return match.group(1)


def password_step(username: str = "uji-ver") -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:enrol"))
    return client


def test_a_password_alone_cannot_enrol_a_device_and_is_told_to_ask_a_supervisor() -> None:
    """Trust on first use is gone: whoever knows the password does not own the second
    factor."""
    staff_user("ver", role="Verifikator")
    client = password_step()
    page = client.get(reverse("backoffice:enrol")).content.decode()
    assert "<svg" not in page and 'class="key"' not in page
    assert "Minta kepada penyelia Anda" in page  # told to ask their supervisor
    assert not TOTPDevice.objects.exists()
    # A made-up code, or a 6-digit TOTP-looking one, enrols nothing and signs in no one.
    for guess in ("AAAA-BBBB-CCCC-DDDD", "123456", ""):
        response = client.post(reverse("backoffice:enrol"), {"enrolment_code": guess})
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
    response = client.post(reverse("backoffice:enrol"), {"code": "123456"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.exists()
    assert client.get(QUEUE).status_code == 302


def test_an_operator_issued_code_enrols_a_device_from_a_server_drawn_qr_once() -> None:
    staff_user("ver", role="Verifikator")
    code = issue("uji-ver")
    client = password_step()
    # Not signed in after the password alone.
    assert client.get(QUEUE).status_code == 302
    response = client.post(reverse("backoffice:enrol"), {"enrolment_code": code.lower()})
    assert response.status_code == 302
    page = client.get(reverse("backoffice:enrol")).content.decode()
    assert "<svg" in page and "<path" in page  # the QR, inline, no remote image
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )
    device = TOTPDevice.objects.get(user__username="uji-ver")
    shown_key = page.split('class="key">', 1)[1].split("<", 1)[0].replace(" ", "")
    assert b32decode(shown_key + "=" * (-len(shown_key) % 8)) == device.bin_key
    before = client.session.session_key
    response = client.post(reverse("backoffice:enrol"), {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert client.session.session_key != before  # rotated on sign-in
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(QUEUE).status_code == 200
    # The code was spent: used again (another browser, after the device is removed) it
    # enrols nothing.
    TOTPDevice.objects.all().delete()
    again = password_step()
    response = again.post(reverse("backoffice:enrol"), {"enrolment_code": code})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not TOTPDevice.objects.exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="staff.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "staff.enrolment_issued",
        "staff.enrolment_redeemed",
        "staff.device_confirmed",
    ]


def test_the_key_is_shown_only_in_the_sign_in_that_spent_the_code() -> None:
    staff_user("ver", role="Verifikator")
    code = issue("uji-ver")
    first = password_step()
    first.post(reverse("backoffice:enrol"), {"enrolment_code": code})
    assert "<svg" in first.get(reverse("backoffice:enrol")).content.decode()
    # Someone else with the password, in another browser, is not shown the new key.
    other = password_step()
    page = other.get(reverse("backoffice:enrol")).content.decode()
    assert "<svg" not in page and 'class="key"' not in page


def test_an_expired_or_revoked_or_anothers_code_is_refused() -> None:
    staff_user("ver", role="Verifikator")
    staff_user("pny", role="Penyelia")
    expired = issue("uji-ver")
    StaffEnrolment.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = password_step()
    client.post(reverse("backoffice:enrol"), {"enrolment_code": expired})
    assert not TOTPDevice.objects.exists()
    revoked = issue("uji-ver")
    current = issue("uji-ver")  # a new code revokes the earlier one
    client.post(reverse("backoffice:enrol"), {"enrolment_code": revoked})
    assert not TOTPDevice.objects.exists()
    someone_elses = issue("uji-pny")
    client.post(reverse("backoffice:enrol"), {"enrolment_code": someone_elses})
    assert not TOTPDevice.objects.exists()
    client.post(reverse("backoffice:enrol"), {"enrolment_code": current})
    assert TOTPDevice.objects.filter(user__username="uji-ver", confirmed=False).count() == 1


def test_wrong_enrolment_codes_count_toward_the_login_limit() -> None:
    staff_user("ver", role="Verifikator")
    code = issue("uji-ver")
    client = password_step()
    for _ in range(STAFF_ACCOUNT_LIMIT.failures):
        client.post(reverse("backoffice:enrol"), {"enrolment_code": "AAAA-AAAA-AAAA-AAAA"})
    response = client.post(reverse("backoffice:enrol"), {"enrolment_code": code})
    assert response.status_code == 200
    assert not TOTPDevice.objects.exists()  # even the right code waits for the limit


def test_the_code_is_kept_hashed_and_shown_nowhere_after_it_is_issued(caplog) -> None:
    staff_user("ver", role="Verifikator")
    operator = get_user_model().objects.create_superuser("uji-op", password="x")
    code = issue("uji-ver", by="uji-op")
    bare = code.replace("-", "")
    enrolment = StaffEnrolment.objects.get()
    assert enrolment.issued_by == operator
    assert bare not in enrolment.code_hash and len(enrolment.code_hash) == 64
    assert enrolment.expires_at - enrolment.issued_at == timedelta(hours=24)
    for entry in AuditEntry.objects.all():
        assert bare not in str(entry.after) + str(entry.before) + entry.why
    assert bare not in caplog.text
    admin = Client()
    admin.force_login(operator)
    assert admin.get("/admin/backoffice/staffenrolment/").status_code == 404
    client = password_step()
    client.post(reverse("backoffice:enrol"), {"enrolment_code": code})
    page = client.get(reverse("backoffice:enrol")).content.decode()
    assert bare not in page and code not in page


def test_the_operator_replaces_a_lost_phones_device_only_when_told() -> None:
    user = staff_user("ver", role="Verifikator")
    TOTPDevice.objects.create(user=user, name="lost", confirmed=True)
    with pytest.raises(CommandError, match="--replace"):
        issue("uji-ver")
    assert TOTPDevice.objects.filter(name="lost").exists()
    code = issue("uji-ver", replace=True)
    assert not TOTPDevice.objects.exists()  # the lost phone signs in no more
    client = password_step()
    client.post(reverse("backoffice:enrol"), {"enrolment_code": code})
    assert TOTPDevice.objects.filter(user=user, confirmed=False).exists()
    with pytest.raises(CommandError, match="no user"):
        issue("nobody")


def test_an_enrolled_officer_is_asked_for_the_code_and_the_key_is_never_shown_again() -> None:
    user = staff_user("ver", role="Verifikator")
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    key = device.key
    client = Client()
    response = client.post(LOGIN, {"username": "uji-ver", "password": "x"})
    assert response["Location"].startswith(reverse("backoffice:login_code"))
    enrol = client.get(reverse("backoffice:enrol"))
    assert enrol.status_code == 302  # straight to the code page
    page = client.get(reverse("backoffice:login_code")).content.decode()
    assert "<svg" not in page and key not in page.lower()
    response = client.post(reverse("backoffice:login_code"), {"code": code_for(device)})
    assert response["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200


def test_a_wrong_code_does_not_sign_in_and_counts_toward_the_login_limit() -> None:
    user = staff_user("ver", role="Verifikator")
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    client = Client()
    client.post(LOGIN, {"username": "uji-ver", "password": "x"})
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    for _ in range(STAFF_ACCOUNT_LIMIT.failures):
        page = client.post(reverse("backoffice:login_code"), {"code": wrong})
        assert page.status_code == 200
        assert client.get(QUEUE).status_code == 302
    # Past the limit even the right code is refused until the time it names.
    device.refresh_from_db()
    page = client.post(reverse("backoffice:login_code"), {"code": code_for(device)})
    assert page.status_code == 200
    assert client.get(QUEUE).status_code == 302


def test_the_password_step_has_the_staff_login_limit() -> None:
    staff_user("ver", role="Verifikator")
    client = Client()
    for _ in range(STAFF_ACCOUNT_LIMIT.failures):
        client.post(LOGIN, {"username": "uji-ver", "password": "wrong"})
    response = client.post(LOGIN, {"username": " UJI-VER ", "password": "x"})
    assert response.status_code == 200  # refused, the form says when to try again
    assert "backoffice_pending" not in client.session


def test_a_member_or_non_staff_account_cannot_sign_in_here() -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("anggota", password="x")
    response = Client().post(LOGIN, {"username": "anggota", "password": "x"})
    assert response.status_code == 200


def test_the_code_step_needs_the_password_step_first() -> None:
    client = Client()
    assert client.get(reverse("backoffice:login_code"))["Location"] == LOGIN
    assert client.get(reverse("backoffice:enrol"))["Location"] == LOGIN
    assert client.post(reverse("backoffice:login_code"), {"code": "123456"})["Location"] == LOGIN


def test_next_is_kept_only_inside_the_back_office() -> None:
    user = staff_user("ver", role="Verifikator")
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    client = Client()
    client.post(LOGIN, {"username": "uji-ver", "password": "x", "next": "https://evil.example/"})
    response = client.post(
        reverse("backoffice:login_code"), {"code": code_for(device), "next": "//evil.example/"}
    )
    assert response["Location"] == QUEUE


def test_signing_out_ends_the_session() -> None:
    user = staff_user("ver", role="Verifikator")
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    client = Client()
    client.post(LOGIN, {"username": "uji-ver", "password": "x"})
    client.post(reverse("backoffice:login_code"), {"code": code_for(device)})
    assert client.get(QUEUE).status_code == 200
    client.post(reverse("backoffice:logout"))
    assert client.get(QUEUE).status_code == 302


def test_where_required_the_admin_takes_only_a_session_signed_in_with_a_code(settings) -> None:
    from backoffice_staff import signed_in

    settings.CAIRKAN_ADMIN_REQUIRES_OTP = True  # production's default
    user = staff_user("ver", role="Verifikator")
    password_only = Client()
    password_only.force_login(user)
    response = password_only.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{LOGIN}?next=%2Fadmin%2F"
    assert password_only.get("/admin/claims/claim/").status_code == 302
    assert signed_in(user).get("/admin/claims/claim/").status_code == 200
    # Signing in at /kantor/ comes back to the admin page asked for.
    device = TOTPDevice.objects.get(user=user)
    client = Client()
    to_code = client.post(LOGIN, {"username": "uji-ver", "password": "x", "next": "/admin/"})
    response = client.post(to_code["Location"], {"code": code_for(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
