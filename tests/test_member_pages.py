"""The member pages with the Django test client: registration (and resuming it), login
with the device code and the limits, the account page and who may see it."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from cairkan.accounts import services
from cairkan.accounts.messages import MESSAGES
from cairkan.accounts.models import KnownDevice, MemberAccount, Registration
from cairkan.integrations.models import SandboxRegistryRecord
from sent_messages import last_code

pytestmark = pytest.mark.django_db
RINA = {
    "nik": "6308056108979001",
    "kpj": "23000000101",
    "full_name": "Rina Maulida",
    "birth_date": "1997-08-21",
    "mother_maiden_name": "Siti Rahmah",
}
PHONE = "+6281234500001"
STRONG = "Padi-Kuning-Amuntai-77"


@pytest.fixture(autouse=True)
def personas() -> None:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))


def indonesian(code: str) -> str:
    with translation.override("id"):
        return escape(str(MESSAGES[code]))


def registered() -> MemberAccount:
    registration = services.registration_start(
        **{**RINA, "birth_date": date.fromisoformat(RINA["birth_date"])}
    )
    services.registration_send_code(registration=registration, channel="sms", destination=PHONE)
    services.registration_verify_code(
        registration=registration, channel="sms", code=last_code(PHONE)
    )
    return services.registration_set_password(registration=registration, password=STRONG)


def test_registration_from_identity_to_the_face_step(client: Client) -> None:
    page = client.get("/daftar/").content.decode()
    assert 'inputmode="numeric"' in page and 'maxlength="16"' in page and 'type="date"' in page
    assert client.post("/daftar/", RINA)["Location"] == "/daftar/kontak/"
    sent = client.post(
        "/daftar/kontak/", {"action": "send", "channel": "sms", "destination": "0812-3450-0001"}
    )
    assert sent["Location"] == "/daftar/kontak/"
    assert "+62812••••0001" in client.get("/daftar/kontak/").content.decode()
    wrong = client.post("/daftar/kontak/", {"action": "verify", "channel": "sms", "code": "000000"})
    assert wrong.status_code == 400 and indonesian("code_wrong") in wrong.content.decode()
    verified = client.post(
        "/daftar/kontak/", {"action": "verify", "channel": "sms", "code": last_code(PHONE)}
    )
    assert verified["Location"] == "/daftar/kata-sandi/"
    mismatch = client.post("/daftar/kata-sandi/", {"password": STRONG, "password_again": "x"})
    assert mismatch.status_code == 400
    weak = client.post(
        "/daftar/kata-sandi/", {"password": "12345678", "password_again": "12345678"}
    )
    assert weak.status_code == 400 and indonesian("password_weak") in weak.content.decode()
    done = client.post("/daftar/kata-sandi/", {"password": STRONG, "password_again": STRONG})
    assert done["Location"] == "/daftar/wajah/"
    face = client.get("/daftar/wajah/")
    assert face.status_code == 200
    html = face.content.decode()
    assert "face.js" in html and 'capture="user"' in html
    assert "Mode uji" in html  # the sandbox registry has no photos
    assert Registration.objects.get().step == "face"
    account = client.get("/akun/").content.decode()
    assert "Rina Maulida" in account
    # No balance or KPJ before the face matches the registry photo (H3).
    assert "23000000101" not in account and "Rp " not in account


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kpj": "99999999999"}, "kpj_unknown"),
        ({"kpj": "23000000103"}, "kpj_not_yours"),
        ({"birth_date": "1997-08-22"}, "birth_date_mismatch"),
        ({"full_name": "Budi Santoso"}, "name_mismatch"),
        ({"mother_maiden_name": "Fatimah"}, "mother_name_mismatch"),
    ],
)
def test_each_identity_error_is_explained_and_the_input_kept(client: Client, changes, code) -> None:
    typed = {**RINA, **changes}
    response = client.post("/daftar/", typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert indonesian(code) in html
    for value in typed.values():
        assert f'value="{value}"' in html
    assert not Registration.objects.exists()


def test_a_nik_unknown_to_the_registry_is_explained(client: Client) -> None:
    SandboxRegistryRecord.objects.filter(nik=RINA["nik"]).delete()
    response = client.post("/daftar/", RINA)
    assert response.status_code == 400
    assert indonesian("nik_not_in_registry") in response.content.decode()


def test_the_registry_spelling_is_shown(client: Client) -> None:
    arsyad = {
        "nik": "6308012207799001",
        "kpj": "2300 0000 107",
        "full_name": "MUHAMMAD ARSYAD",
        "birth_date": "1979-07-22",
        "mother_maiden_name": "siti rahmah",
    }
    assert client.post("/daftar/", arsyad).status_code == 302
    assert "Muhamad Arsyad" in client.get("/daftar/kontak/").content.decode()


def test_a_dropped_connection_resumes_at_the_current_step(client: Client) -> None:
    client.post("/daftar/", RINA)
    client.post("/daftar/kontak/", {"action": "send", "channel": "sms", "destination": PHONE})
    reconnected = Client()
    reconnected.cookies["sessionid"] = client.cookies["sessionid"].value
    assert reconnected.get("/daftar/")["Location"] == "/daftar/kontak/"
    reconnected.post(
        "/daftar/kontak/", {"action": "verify", "channel": "sms", "code": last_code(PHONE)}
    )
    again = Client()
    again.cookies["sessionid"] = client.cookies["sessionid"].value
    assert again.get("/daftar/")["Location"] == "/daftar/kata-sandi/"
    assert again.get("/daftar/kontak/")["Location"] == "/daftar/kata-sandi/"
    # Starting over on purpose is still possible.
    assert again.get("/daftar/?baru=1").status_code == 200


def test_login_wrong_then_throttled_with_the_time(client: Client) -> None:
    registered()
    for _ in range(5):
        wrong = client.post("/masuk/", {"identifier": PHONE, "password": "salah-sekali"})
        assert wrong.status_code == 400
        assert indonesian("login_wrong") in wrong.content.decode()
        assert f'value="{PHONE}"' in wrong.content.decode()
    limited = client.post("/masuk/", {"identifier": PHONE, "password": STRONG})
    assert limited.status_code == 429
    assert "pukul" in limited.content.decode()


def test_a_new_device_confirms_with_a_code_and_is_remembered(client: Client) -> None:
    account = registered()
    first = client.post("/masuk/", {"identifier": "0812 3450 0001", "password": STRONG})
    assert first["Location"] == "/masuk/kode/"
    cookie = client.cookies["cairkan_device"]
    assert cookie["httponly"] and int(cookie["max-age"]) == 365 * 24 * 3600
    assert len(cookie.value) >= 16
    page = client.get("/masuk/kode/").content.decode()
    assert "+62812••••0001" in page
    assert client.get("/akun/")["Location"].startswith("/masuk/")  # not logged in yet
    wrong = client.post("/masuk/kode/", {"code": "000000"})
    assert wrong.status_code == 400 and indonesian("code_wrong") in wrong.content.decode()
    confirmed = client.post("/masuk/kode/", {"code": last_code(PHONE)})
    assert confirmed["Location"] == "/akun/"
    assert KnownDevice.objects.filter(account=account).count() == 1
    assert "Rina Maulida" in client.get("/akun/").content.decode()
    assert client.post("/keluar/")["Location"] == "/"
    assert client.get("/akun/").status_code == 302
    again = client.post("/masuk/", {"identifier": PHONE, "password": STRONG})
    assert again["Location"] == "/akun/"  # the same device: no code this time


@pytest.mark.parametrize("path", ["/akun/", "/daftar/wajah/", "/wajah/terkunci/"])
def test_member_pages_send_anonymous_visitors_to_login(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_staff_without_a_member_account_is_not_a_member(client: Client, django_user_model) -> None:
    staff = django_user_model.objects.create_user("petugas", password=STRONG, is_staff=True)
    client.force_login(staff)
    assert client.get("/akun/")["Location"] == "/masuk/?next=/akun/"


def test_logout_needs_a_post(client: Client) -> None:
    assert client.get("/keluar/").status_code == 405


def test_login_returns_to_the_page_that_asked_for_it(client: Client) -> None:
    account = registered()
    KnownDevice.objects.create(
        account=account, device_hash=services.device_hash("rina-phone-0123456789")
    )
    client.cookies["cairkan_device"] = "rina-phone-0123456789"
    asked = client.get("/daftar/wajah/")["Location"]
    assert asked == "/masuk/?next=/daftar/wajah/"
    form = client.get(asked).content.decode()
    assert 'name="next" value="/daftar/wajah/"' in form
    back = client.post(asked, {"identifier": PHONE, "password": STRONG, "next": "/daftar/wajah/"})
    assert back["Location"] == "/daftar/wajah/"
    elsewhere = Client()
    elsewhere.cookies["cairkan_device"] = "rina-phone-0123456789"
    outside = elsewhere.post(
        "/masuk/", {"identifier": PHONE, "password": STRONG, "next": "https://example.com/"}
    )
    assert outside["Location"] == "/akun/"  # never off the site


def test_the_face_endpoints_refuse_anonymous_visitors(client: Client) -> None:
    assert (
        client.post(
            "/wajah/kirim/", {"purpose": "enrolment"}, HTTP_ACCEPT="application/json"
        ).status_code
        == 403
    )
    assert client.post("/wajah/kualitas/").status_code == 403
