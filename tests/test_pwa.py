"""The installable app (issue 14.8) with the Django test client: the manifest and its
icons, the service worker and what it precaches, the offline page, and the headers that
bind what the worker keeps to one login (the browser half:
tests/browser/test_installable_app.py)."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from PIL import Image

from cairkan.accounts import services
from cairkan.accounts.models import MemberAccount
from sent_messages import last_code
from staff_users import logged_in, staff_user

pytestmark = pytest.mark.django_db
RINA = {
    "nik": "6308056108979001",
    "kpj": "23000000101",
    "full_name": "Rina Maulida",
    "birth_date": date(1997, 8, 21),
    "mother_maiden_name": "Siti Rahmah",
}
PHONE = "+6281234500001"
SESSION = re.compile(r"^[0-9a-f]{32}; max-age=(\d+)$")


@pytest.fixture
def rina() -> MemberAccount:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))
    registration = services.registration_start(**RINA)
    services.registration_send_code(registration=registration, channel="sms", destination=PHONE)
    services.registration_verify_code(
        registration=registration, channel="sms", code=last_code(PHONE)
    )
    return services.registration_set_password(
        registration=registration, password="Padi-Kuning-Amuntai-77"
    )


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def test_the_manifest_installs_the_account_page_with_vendored_icons(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    with translation.override("id"):
        assert manifest["name"] == translation.gettext("Cairkan — claim your JHT")
    assert (manifest["lang"], manifest["start_url"], manifest["scope"]) == ("id", "/akun/", "/")
    assert manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/")  # ours, never a CDN
        image = Image.open(io.BytesIO(body(client.get(icon["src"]))))
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_the_worker_is_served_from_the_root_with_its_version_and_precache(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"  # a new version is seen at once
    script = response.content.decode()
    version = re.search(r'var VERSION = "([0-9a-f]{12})";', script)
    assert version, "the cache version is filled in"
    precached = json.loads(re.search(r"var PRECACHED = (\[.*?\]);", script).group(1))  # type: ignore[union-attr]
    assert precached[0] == "/offline/"
    for url in precached:  # cache.addAll fails the install on a single missing file
        assert client.get(url).status_code == 200, url
    assert "__PRECACHED__" not in script


def test_the_offline_page_holds_nobodys_data(client: Client, rina: MemberAccount) -> None:
    client.force_login(rina.user)
    html = client.get("/offline/").content.decode()
    assert '<html lang="id">' in html
    with translation.override("id"):
        assert translation.gettext("You are offline") in html
    assert "Rina" not in html and "csrfmiddlewaretoken" not in html
    assert 'href="/akun/"' in html


def test_member_pages_are_kept_under_their_login_only(client: Client, rina: MemberAccount) -> None:
    anonymous = client.get("/")
    assert anonymous["Cairkan-Offline-Session"] == "none"
    assert "Cairkan-Offline-Keep" not in anonymous

    client.force_login(rina.user)
    account = client.get("/akun/")
    first = account["Cairkan-Offline-Session"]
    assert SESSION.match(first) and SESSION.match(first).group(1) == "1800"  # type: ignore[union-attr]
    assert account["Cairkan-Offline-Keep"] == "1"
    assert client.session.session_key not in first  # a name derived from it, never the key
    landing = client.get("/")
    assert landing["Cairkan-Offline-Session"] == first  # same login, same name
    assert "Cairkan-Offline-Keep" not in landing  # not a page to keep

    again = Client()
    again.force_login(rina.user)  # the same member logged in again: another name
    assert again.get("/akun/")["Cairkan-Offline-Session"] != first

    logout = client.post("/keluar/")
    assert logout["Clear-Site-Data"] == '"storage"'  # kept pages, queued saves, typed answers
    assert client.get("/")["Cairkan-Offline-Session"] == "none"


def test_staff_pages_and_api_answers_are_never_kept(rina: MemberAccount) -> None:
    officer = logged_in(staff_user("loket", role="Petugas loket"))
    for path in ("/kantor/", "/kantor/masuk/", "/admin/"):
        response = officer.get(path)
        assert "Cairkan-Offline-Session" not in response, path
        assert "Cairkan-Offline-Keep" not in response, path
    member = Client()
    member.force_login(rina.user)
    api = member.get("/api/member/balance")
    assert "Cairkan-Offline-Session" not in api and "Cairkan-Offline-Keep" not in api
