"""Readiness checks of what Cairkan depends on, for ``/healthz``."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    latency_ms: float
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "latency_ms": round(self.latency_ms, 1), "detail": self.detail}


def database() -> Check:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check(False, (time.perf_counter() - started) * 1000, type(exc).__name__)
    return Check(True, (time.perf_counter() - started) * 1000, connection.vendor)


def broker(url: str, timeout_s: float = 2.0) -> Check:
    from kombu.connection import Connection

    started = time.perf_counter()
    try:
        with Connection(url, connect_timeout=timeout_s) as conn:  # type: ignore[no-untyped-call]
            conn.ensure_connection(max_retries=1, timeout=timeout_s)
    except Exception as exc:  # kombu raises many transport-specific types
        return Check(False, (time.perf_counter() - started) * 1000, type(exc).__name__)
    return Check(True, (time.perf_counter() - started) * 1000, url.split("://", 1)[0])


def all_checks() -> dict[str, Check]:
    checks = {"database": database()}
    if not settings.CELERY_TASK_ALWAYS_EAGER:  # a broker is configured: it must answer
        checks["broker"] = broker(settings.CELERY_BROKER_URL)
    return checks
