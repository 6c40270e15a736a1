"""Settings come from the environment; production refuses to start without its secrets."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

PRINT = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, getattr(s, 'SECURE_HSTS_SECONDS', 0), "
    "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
)


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CAIRKAN_ENV", "SECRET_KEY", "DEBUG"}
    }
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "cairkan.config.settings", "CAIRKAN_VAR_DIR": str(tmp_path)}
    )
    clean.update(env)
    code = f"import django; django.setup(); {PRINT}"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False
    )


def test_embedded_default_is_sqlite_inline_tasks_and_a_generated_key(tmp_path: Path) -> None:
    result = _settings(tmp_path)
    assert result.returncode == 0, result.stderr
    # DEBUG off: `make run` serves the members' error pages (issue 14.9).
    assert result.stdout.split() == ["False", "False", "0", "django.db.backends.sqlite3", "True"]
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    assert _settings(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key  # generated once, then reused


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    result = _settings(tmp_path, CAIRKAN_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_turns_on_transport_security(tmp_path: Path) -> None:
    result = _settings(
        tmp_path,
        CAIRKAN_ENV="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="cairkan.example",
        DATABASE_URL="postgres://u@127.0.0.1:1/db",
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "31536000",
        "django.db.backends.postgresql",
        "False",
    ]


def test_unknown_environment_name_is_refused(tmp_path: Path) -> None:
    result = _settings(tmp_path, CAIRKAN_ENV="staging")
    assert result.returncode != 0
    assert "CAIRKAN_ENV must be" in result.stderr


PRODUCTION = {
    "CAIRKAN_ENV": "production",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "cairkan.example",
    "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
}
# Requests against the production settings, in a fresh process (SQLite: /healthz only
# asks the database for SELECT 1).
PROBE = """
import django, json
django.setup()
from django.http import HttpResponse
from django.test import Client
from cairkan.web.members import _with_device
client = Client(HTTP_HOST="cairkan.example")
plain = client.get("/healthz")
other = client.get("/masuk/")
secure = client.get("/healthz", secure=True)
cookie = _with_device(HttpResponse(), "device-id").cookies["cairkan_device"]
print(json.dumps({
    "healthz": [plain.status_code, plain.get("Content-Type", "")],
    "other": [other.status_code, other.get("Location", "")],
    "csp": secure.get("Content-Security-Policy", ""),
    "permissions": secure.get("Permissions-Policy", ""),
    "device_cookie_secure": bool(cookie["secure"]),
    "device_cookie_httponly": bool(cookie["httponly"]),
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp_path = tmp_path_factory.mktemp("production")
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "cairkan.config.settings",
            "CAIRKAN_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
            **PRODUCTION,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_answers_a_plain_http_readiness_probe_and_redirects_the_rest(
    production: dict[str, object],
) -> None:
    seen = production
    # The checks' own answer (the broker here is unreachable: 503), not a redirect.
    assert seen["healthz"] in ([200, "application/json"], [503, "application/json"])
    assert seen["other"] == [301, "https://cairkan.example/masuk/"]


def test_production_pages_carry_a_content_security_and_permissions_policy(
    production: dict[str, object],
) -> None:
    seen = production
    csp = {d.split()[0]: d.split()[1:] for d in str(seen["csp"]).split("; ")}
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    policy = str(seen["permissions"])
    assert "camera=(self)" in policy
    assert "microphone=()" in policy and "geolocation=()" in policy


def test_production_sends_the_device_cookie_over_https_only(
    production: dict[str, object],
) -> None:
    seen = production
    assert seen["device_cookie_secure"] is True
    assert seen["device_cookie_httponly"] is True


def test_the_var_directory_and_the_sqlite_database_are_the_service_users_only(
    tmp_path: Path,
) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    (var / "cairkan.sqlite3").touch(mode=0o644)  # as an earlier version left it
    assert _settings(var).returncode == 0
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "cairkan.sqlite3").stat().st_mode) == 0o600
    fresh = tmp_path / "fresh"
    assert _settings(fresh).returncode == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
    assert stat.S_IMODE((fresh / "cairkan.sqlite3").stat().st_mode) == 0o600
