"""Settings come from the environment; production refuses to start without its secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    assert result.stdout.split() == ["True", "False", "0", "django.db.backends.sqlite3", "True"]
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
