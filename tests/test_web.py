from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_landing_page_speaks_indonesian_first(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Cairkan" in html
    assert "Sebelum mulai, siapkan ini" in html
    assert "Rekening bank atas nama Anda sendiri." in html


def test_landing_page_in_english_after_switching(client: Client) -> None:
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Before you start, have these ready" in html


def test_healthz_reports_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert "broker" not in body["checks"]  # no broker configured: tasks run inline
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_degraded_when_the_broker_is_down(client: Client, settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_accepts_only_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
