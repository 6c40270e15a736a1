"""The scale-out path with real parts: a Redis broker (scripts/with-redis) and a Celery
worker consuming from it, on PostgreSQL. Run by scripts/test's scale-out tier
(``-m scaleout``); left out of the others by pyproject's addopts."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.test import Client

from cairkan.config.celery import app
from cairkan.notifications import senders
from cairkan.notifications.gateway import notify
from cairkan.notifications.models import OutboundMessage
from cairkan.notifications.services import MAX_ATTEMPTS
from notification_senders import FlakySender, RecordingSender

pytestmark = [pytest.mark.scaleout, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def worker() -> Iterator[None]:
    """A Celery worker in a thread of this process, consuming the Redis queue."""
    assert os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"), (
        "the scale-out tier runs under scripts/with-redis (CELERY_BROKER_URL)"
    )
    assert not django_settings.CELERY_TASK_ALWAYS_EAGER
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.fixture
def use_sender(settings) -> Iterator[Callable[[str], None]]:
    def choose(path: str) -> None:
        settings.CAIRKAN_NOTIFICATION_SENDER = path
        senders.sender.cache_clear()

    yield choose
    senders.sender.cache_clear()


def wait_for(message: OutboundMessage, state: str, seconds: float = 20.0) -> OutboundMessage:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.state == state:
            return message
        time.sleep(0.05)
    raise AssertionError(f"message still {message.state} after {seconds} s")


def test_a_status_message_travels_through_redis_to_a_worker(worker, use_sender) -> None:
    use_sender("notification_senders.RecordingSender")
    RecordingSender.sent.clear()
    message = notify(channel="sms", to="+6281234500001", body="Klaim Anda: Agenda Klaim")
    assert message.state == "queued"  # the request returned before delivery
    message = wait_for(message, "sent")
    assert message.attempts == 1
    assert RecordingSender.sent == [("+6281234500001", "Klaim Anda: Agenda Klaim")]


def test_the_worker_retries_a_failing_provider_with_pauses(worker, use_sender, settings) -> None:
    use_sender("notification_senders.FlakySender")
    settings.CAIRKAN_NOTIFICATION_RETRY_SECONDS = 0.2
    FlakySender.failures, FlakySender.calls = 2, 0
    started = time.monotonic()
    message = wait_for(notify(channel="email", to="rina@example.id", body="Status"), "sent")
    assert (message.attempts, FlakySender.calls) == (3, 3)
    assert time.monotonic() - started >= 0.2 + 0.4  # the pauses were taken, doubling


def test_the_worker_gives_up_on_the_messages_own_attempts(worker, use_sender, settings) -> None:
    use_sender("notification_senders.FlakySender")
    settings.CAIRKAN_NOTIFICATION_RETRY_SECONDS = 0.01
    FlakySender.failures, FlakySender.calls = 1000, 0
    message = wait_for(notify(channel="sms", to="+6281234500001", body="x"), "failed", 40.0)
    assert (message.attempts, FlakySender.calls) == (MAX_ATTEMPTS, MAX_ATTEMPTS)


def test_health_reports_the_broker(worker) -> None:
    body = Client().get("/healthz").json()
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["database"]["ok"] is True
