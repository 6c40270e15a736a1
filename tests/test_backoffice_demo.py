"""`make run`'s demo officers can sign in: a branch, a posting and a TOTP device each,
printed for the demo only; refused in production. Device keys never reach the admin."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice_staff import signed_in
from cairkan.backoffice.models import Posting
from staff_users import staff_user

pytestmark = pytest.mark.django_db
OFFICERS = {"loket", "verifikator", "penyelia", "auditor"}


def test_demo_officers_get_a_branch_and_a_device_whose_code_signs_in() -> None:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))
    out = io.StringIO()
    call_command("backoffice_demo", stdout=out)
    call_command("backoffice_demo", stdout=io.StringIO())  # again: nothing doubled
    devices = TOTPDevice.objects.filter(user__username__in=OFFICERS, confirmed=True)
    assert {d.user.username for d in devices} == OFFICERS and devices.count() == 4
    assert {p.user.username for p in Posting.objects.filter(branches__code="amuntai")} == OFFICERS
    for device in devices:
        assert device.user.username in out.getvalue()
    code = io.StringIO()
    call_command("backoffice_demo", code="penyelia", stdout=code)
    device = devices.get(user__username="penyelia")
    assert device.verify_token(code.getvalue().strip())


def test_the_demo_command_refuses_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("backoffice_demo", stdout=io.StringIO())


def test_the_admin_shows_who_has_a_device_never_its_key() -> None:
    officer = staff_user("ver", role="Verifikator")
    device = TOTPDevice.objects.create(user=officer, name="ponsel", confirmed=True)
    auditor = signed_in(staff_user("aud", role="Auditor"))
    listing = auditor.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200 and "uji-ver" in listing.content.decode()
    page = auditor.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert page and device.key not in page.lower()
    assert "otpauth" not in page
