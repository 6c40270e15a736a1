"""Officers sign in with a password and a TOTP code: enrolment on the first sign-in
with a QR drawn on the server, the staff login limit on both steps, a new session key,
and the key never shown again once enrolled."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairkan.accounts.staff_login import STAFF_ACCOUNT_LIMIT
from staff_users import staff_user

pytestmark = pytest.mark.django_db
LOGIN = reverse("backoffice:login")
QUEUE = reverse("backoffice:queue")


def code_for(device: TOTPDevice) -> str:
    """The code the officer's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"


def test_first_sign_in_enrols_a_device_from_a_server_drawn_qr_then_signs_in() -> None:
    staff_user("ver", role="Verifikator")
    client = Client()
    response = client.post(LOGIN, {"username": "uji-ver", "password": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:enrol"))
    # Not signed in after the password alone.
    assert client.get(QUEUE).status_code == 302
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
