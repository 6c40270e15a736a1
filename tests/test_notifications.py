"""The outbox: a message is written with what causes it, delivered after commit, retried
while the provider fails, never delivered twice, and picked up again if left queued."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cairkan.notifications import gateway
from cairkan.notifications.gateway import deliver, notify
from cairkan.notifications.models import OutboundMessage
from cairkan.notifications.tasks import MAX_ATTEMPTS, deliver_message
from notification_senders import FlakySender, RecordingSender

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def use_sender(settings) -> Iterator[object]:
    def choose(path: str) -> None:
        settings.CAIRKAN_NOTIFICATION_SENDER = path
        gateway.sender.cache_clear()

    yield choose
    gateway.sender.cache_clear()


def test_a_message_goes_when_its_cause_commits_and_not_if_it_rolls_back(use_sender) -> None:
    use_sender("notification_senders.RecordingSender")
    RecordingSender.sent.clear()
    with transaction.atomic():
        message = notify(channel="sms", to="+6281234500001", body="Klaim Anda diterima")
        assert RecordingSender.sent == []  # not before the claim is saved
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 1)
    assert message.provider_reference == "rec-1" and message.sent_at is not None
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(channel="sms", to="+6281234500001", body="never")
        raise RuntimeError("the status change failed")
    assert RecordingSender.sent == [("+6281234500001", "Klaim Anda diterima")]
    assert not OutboundMessage.objects.filter(body="never").exists()


def test_without_a_broker_a_failing_provider_leaves_the_message_queued_for_later(
    use_sender,
) -> None:
    """Embedded default: the task runs inside the request, which must not wait out the
    retry pauses; the message waits in the outbox for `resend-messages`. (Retries with
    pauses run on a real worker: tests/test_scale_out.py.)"""
    use_sender("notification_senders.FlakySender")
    FlakySender.failures, FlakySender.calls = 1, 0
    message = notify(channel="email", to="rina@example.id", body="Status klaim")
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("queued", 1)
    assert message.last_error == "provider timed out"
    OutboundMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    call_command("resend_messages")
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)


def test_after_the_last_attempt_the_message_is_given_up_and_recorded(use_sender) -> None:
    use_sender("notification_senders.FlakySender")
    FlakySender.failures, FlakySender.calls = 100, 0
    message = OutboundMessage.objects.create(channel="sms", to="+6281234500001", body="x")
    result = deliver_message.apply(args=[message.pk], retries=MAX_ATTEMPTS - 1).get()
    message.refresh_from_db()
    assert (result, message.state, message.last_error) == ("failed", "failed", "provider timed out")


def test_a_message_is_delivered_once_however_often_its_task_runs(use_sender) -> None:
    use_sender("notification_senders.RecordingSender")
    RecordingSender.sent.clear()
    message = notify(channel="sms", to="+6281234500002", body="sekali")
    assert deliver(message.pk) == "sent"
    assert len(RecordingSender.sent) == 1


def test_messages_left_queued_are_handed_over_again(use_sender) -> None:
    use_sender("notification_senders.RecordingSender")
    RecordingSender.sent.clear()
    stale = OutboundMessage.objects.create(
        channel="sms",
        to="+6281234500003",
        body="tertinggal",
        created_at=timezone.now() - timedelta(minutes=10),
    )
    fresh = OutboundMessage.objects.create(channel="sms", to="+6281234500004", body="baru")
    call_command("resend_messages", "--older-than", "5")
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.state, fresh.state) == ("sent", "queued")
