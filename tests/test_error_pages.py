"""No developer pages for members (issue 14.9): what ``make run`` serves when a page is
missing, breaks or is refused is an Indonesian page with a way back, never Django's
debug pages (the URL list, a traceback) — and the API answers a problem body instead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from cairkan.api.routers import eligibility

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
DEVELOPER_WORDS = ("Traceback", "URLconf", "urlpatterns", "DEBUG = True", "secret detail")


def id_text(msgid: str) -> str:
    with translation.override("id"):
        return translation.gettext(msgid)


def test_make_run_serves_with_debug_off(tmp_path: Path) -> None:
    """``make run`` sets neither CAIRKAN_ENV nor DEBUG: the pages it serves are the
    members' ones. A developer who wants the debug pages asks with DEBUG=true."""
    run = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "DEBUG" not in run and "CAIRKAN_ENV" not in run
    environment = {
        k: v for k, v in os.environ.items() if k not in {"CAIRKAN_ENV", "DEBUG", "DATABASE_URL"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "cairkan.config.settings",
        "CAIRKAN_VAR_DIR": str(tmp_path),
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    shown = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    assert shown.stdout.split() == ["False"]
    asked = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "DEBUG": "true"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert asked.stdout.split() == ["True"]


def test_a_missing_page_is_explained_in_indonesian(client: Client) -> None:
    response = client.get("/klaim/tidak-ada/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert id_text("This page does not exist") in html
    assert 'href="/"' in html  # a way back
    assert not any(word in html for word in DEVELOPER_WORDS)


def test_a_broken_page_shows_no_traceback(client: Client, settings) -> None:
    settings.ROOT_URLCONF = "error_urls"
    client.raise_request_exception = False
    response = client.get("/rusak/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert id_text("Something went wrong on our side") in html
    assert not any(word in html for word in DEVELOPER_WORDS)


def test_a_refused_form_is_explained_in_indonesian() -> None:
    """A form sent without its CSRF token (an old page, cookies cleared) is refused."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/masuk/", {"identifier": "081234500001", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert id_text("This form has expired") in html
    assert not any(word in html for word in (*DEVELOPER_WORDS, "CSRF_COOKIE", "Forbidden"))


def test_a_bad_request_is_explained_in_indonesian(client: Client) -> None:
    response = client.get("/", HTTP_HOST="tidak-dikenal.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert id_text("This request could not be understood") in html
    assert "ALLOWED_HOSTS" not in html


def test_the_api_answers_a_missing_address_with_a_problem(client: Client) -> None:
    response = client.get("/api/tidak-ada")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["code"] == "not_found"
    assert body["message"] == id_text("There is nothing at this address.")


@pytest.mark.parametrize("debug", [False, True])
def test_the_api_shows_no_traceback_even_in_debug(
    client: Client, settings, monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    settings.DEBUG = debug

    def broken(case: object) -> None:
        raise RuntimeError("secret detail: /srv/cairkan/settings.py line 42")

    monkeypatch.setattr(eligibility, "decide", broken)
    client.raise_request_exception = False
    case = {
        "as_of": "2026-11-23",
        "reason": "resignation",
        "birth_date": "1997-08-21",
        "retirement_age": None,
        "membership_start": "2023-09-01",
        "membership_active": False,
        "separation_date": "2026-11-01",
        "balance": 7_500_000,
        "has_npwp": False,
        "prior_payouts": [],
    }
    response = client.post("/api/eligibility", case, content_type="application/json")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["code"] == "server_error"
    assert body["message"] == id_text(
        "Something went wrong on our side. Try again in a few minutes."
    )
    assert not any(word in response.content.decode() for word in DEVELOPER_WORDS)


def test_the_favicon_is_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content if response.streaming else [response.content])[
        :4
    ] == (b"\x00\x00\x01\x00")
