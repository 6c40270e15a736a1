"""The outbox: a message is written with what causes it, delivered after commit outside
any transaction, retried on a ladder of the message's own attempts, given up for good
when the provider refuses it or the ladder runs out, and never delivered twice by us."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from structlog.testing import capture_logs

from cairkan.accounts import codes
from cairkan.accounts.codes import send_code
from cairkan.notifications import gateway, senders
from cairkan.notifications.gateway import CODE_MASK, notify
from cairkan.notifications.models import OutboundMessage
from cairkan.notifications.senders import MemorySender
from cairkan.notifications.services import MAX_ATTEMPTS, SENDING_TIMEOUT, message_deliver
from notification_senders import FlakySender, RecordingSender, RefusingSender, WatchingSender

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def use_sender(settings) -> Iterator[Callable[[str], None]]:
    def choose(path: str) -> None:
        settings.CAIRKAN_NOTIFICATION_SENDER = path
        senders.sender.cache_clear()

    yield choose
    senders.sender.cache_clear()


def make_due(message: OutboundMessage) -> None:
    """Let the clock reach the message's next attempt."""
    OutboundMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


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


def test_the_provider_is_called_outside_any_transaction_with_the_row_claimed(
    use_sender,
) -> None:
    """A slow SMS provider must never hold a row lock, nor SQLite's write lock."""
    use_sender("notification_senders.WatchingSender")
    WatchingSender.seen.clear()
    message = notify(channel="sms", to="+6281234500001", body="Status klaim")
    assert WatchingSender.seen == [(False, "sending", f"cairkan-message-{message.pk}")]
    message.refresh_from_db()
    assert message.state == "sent"


def test_without_a_broker_a_failing_provider_leaves_the_message_queued_for_its_next_rung(
    use_sender, settings
) -> None:
    """Embedded default: the task runs inside the request, which must not wait out the
    pauses; the message waits in the outbox until its next attempt is due."""
    use_sender("notification_senders.FlakySender")
    settings.CAIRKAN_NOTIFICATION_RETRY_SECONDS = 15.0
    FlakySender.failures, FlakySender.calls = 2, 0
    before = timezone.now()
    message = notify(channel="email", to="rina@example.id", body="Status klaim")
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("queued", 1)
    assert message.last_error == "provider timed out"
    assert before + timedelta(seconds=15) <= message.next_attempt_at
    assert message.next_attempt_at <= timezone.now() + timedelta(seconds=15)

    call_command("resend_messages")  # not due yet: left alone
    assert FlakySender.calls == 1
    make_due(message)
    call_command("resend_messages")
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("queued", 2)
    # The pause doubles on the second failure.
    assert message.next_attempt_at >= timezone.now() + timedelta(seconds=29)
    make_due(message)
    call_command("resend_messages")
    message.refresh_from_db()
    assert (message.state, message.attempts, FlakySender.calls) == ("sent", 3, 3)


def test_a_failing_message_is_given_up_on_its_own_attempts_however_often_resend_runs(
    use_sender,
) -> None:
    use_sender("notification_senders.FlakySender")
    FlakySender.failures, FlakySender.calls = 1000, 0
    message = notify(channel="sms", to="+6281234500001", body="Status klaim")
    for _run in range(12):
        make_due(message)
        call_command("resend_messages")
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert FlakySender.calls == MAX_ATTEMPTS
    assert message.last_error == "provider timed out"


def test_a_message_the_provider_refuses_is_given_up_at_once(use_sender) -> None:
    use_sender("notification_senders.RefusingSender")
    RefusingSender.calls = 0
    with capture_logs() as logs:
        message = notify(channel="sms", to="+6200000", body="Status klaim")
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", 1)
    assert message.last_error == "number does not exist"
    assert any(entry["event"] == "message_given_up" for entry in logs)
    make_due(message)
    call_command("resend_messages")
    assert RefusingSender.calls == 1


def test_a_delivery_that_crashed_while_sending_is_resumed_after_the_timeout(use_sender) -> None:
    """A worker killed between the provider call and recording its answer leaves the row
    in `sending`. After SENDING_TIMEOUT it is sent again with the same idempotency key,
    so a provider that honours the key delivers it once; one that does not may deliver
    it twice, which we prefer to losing it (docs/operating.md)."""
    use_sender("notification_senders.WatchingSender")
    WatchingSender.seen.clear()
    long_ago = timezone.now() - SENDING_TIMEOUT - timedelta(seconds=1)
    stuck = OutboundMessage.objects.create(
        channel="sms", to="+6281234500001", body="x", state="sending", attempts=1,
        sending_since=long_ago,
    )  # fmt: skip
    busy = OutboundMessage.objects.create(
        channel="sms", to="+6281234500002", body="y", state="sending", attempts=1,
        sending_since=timezone.now(),
    )  # fmt: skip
    call_command("resend_messages")
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.state, stuck.attempts, busy.state) == ("sent", 2, "sending")
    assert [key for _, _, key in WatchingSender.seen] == [f"cairkan-message-{stuck.pk}"]


def test_a_message_is_delivered_once_however_often_its_task_runs(use_sender) -> None:
    use_sender("notification_senders.RecordingSender")
    RecordingSender.sent.clear()
    message = notify(channel="sms", to="+6281234500002", body="sekali")
    make_due(message)
    assert message_deliver(message_id=message.pk) is None  # already sent: no attempt
    call_command("resend_messages")
    message.refresh_from_db()
    assert (len(RecordingSender.sent), message.attempts, message.state) == (1, 1, "sent")


def test_only_due_messages_are_handed_over_again(use_sender) -> None:
    use_sender("notification_senders.RecordingSender")
    RecordingSender.sent.clear()
    due = OutboundMessage.objects.create(
        channel="sms", to="+6281234500003", body="tertinggal",
        next_attempt_at=timezone.now() - timedelta(minutes=1),
    )  # fmt: skip
    later = OutboundMessage.objects.create(
        channel="sms", to="+6281234500004", body="nanti",
        next_attempt_at=timezone.now() + timedelta(minutes=1),
    )  # fmt: skip
    call_command("resend_messages")
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.state, later.state) == ("sent", "queued")


def test_a_new_message_is_not_picked_up_while_its_first_delivery_may_be_running() -> None:
    with transaction.atomic():
        message = notify(channel="sms", to="+6281234500005", body="baru")
        assert message.next_attempt_at > timezone.now() + timedelta(minutes=4)
        transaction.set_rollback(True)


# --- one-time codes (issue 9 M7) ---------------------------------------------------------


def _code_sent(destination: str) -> str:
    delivered = [item for item in MemorySender.outbox if item.to == destination]
    assert delivered, f"nothing reached {destination}"
    found = re.search(r"\b(\d{6})\b", delivered[-1].body)
    assert found is not None, delivered[-1].body
    return found.group(1)


def test_a_one_time_code_reaches_the_phone_but_is_stored_masked() -> None:
    MemorySender.outbox.clear()
    send_code(purpose="contact", destination="+6281234500001", channel="sms")
    code = _code_sent("+6281234500001")
    assert code.isdigit() and len(code) == 6
    message = OutboundMessage.objects.get(to="+6281234500001")
    assert message.state == "sent"
    assert code not in message.body and CODE_MASK in message.body
    assert message.secret_withheld


def test_a_code_is_given_to_the_provider_in_memory_never_through_the_broker(
    monkeypatch,
) -> None:
    """The task queue (Redis in production) would keep the code in its store and logs."""
    handed = []
    monkeypatch.setattr(gateway.deliver_message, "delay", lambda *a: handed.append(a))
    MemorySender.outbox.clear()
    send_code(purpose="contact", destination="+6281234500001", channel="sms")
    assert handed == []
    assert len(MemorySender.outbox) == 1


def test_a_code_the_provider_could_not_take_is_not_sent_again_from_storage(use_sender) -> None:
    """Only the masked text is stored, so a code message is never retried: it is given up
    at once and the member asks for a new code (the page offers it after a minute)."""
    use_sender("notification_senders.FlakySender")
    FlakySender.failures, FlakySender.calls = 1, 0
    send_code(purpose="contact", destination="+6281234500001", channel="sms")
    message = OutboundMessage.objects.get(to="+6281234500001")
    assert (message.state, FlakySender.calls) == ("failed", 1)
    assert "new code" in message.last_error
    make_due(message)
    call_command("resend_messages")
    assert FlakySender.calls == 1


def test_a_code_left_queued_by_a_crash_is_given_up_not_sent_masked(use_sender) -> None:
    use_sender("notification_senders.RecordingSender")
    RecordingSender.sent.clear()
    message = OutboundMessage.objects.create(
        channel="sms", to="+6281234500001", body=f"Kode {CODE_MASK}", secret_withheld=True,
        next_attempt_at=timezone.now() - timedelta(minutes=1),
    )  # fmt: skip
    call_command("resend_messages")
    message.refresh_from_db()
    assert (message.state, RecordingSender.sent) == ("failed", [])


@pytest.fixture
def known_code(monkeypatch) -> str:
    monkeypatch.setattr(codes.secrets, "randbelow", lambda _n: 424242)
    return "424242"


def test_in_production_the_console_sender_writes_no_code_to_the_log(
    use_sender, settings, known_code
) -> None:
    use_sender("cairkan.notifications.senders.ConsoleSender")
    settings.CAIRKAN_ENV = "production"
    with capture_logs() as logs:
        send_code(purpose="contact", destination="+6281234500001", channel="sms")
    message = OutboundMessage.objects.get(to="+6281234500001")
    assert message.state == "failed"  # the console is no provider: a person sees it
    assert logs and known_code not in repr(logs)
    assert known_code not in message.body


def test_in_development_the_console_shows_the_code_as_the_members_phone_screen(
    use_sender, settings, known_code
) -> None:
    use_sender("cairkan.notifications.senders.ConsoleSender")
    settings.CAIRKAN_ENV = "development"
    with capture_logs() as logs:
        send_code(purpose="contact", destination="+6281234500001", channel="sms")
    [screen] = [entry for entry in logs if entry["event"] == "member_phone_screen"]
    assert "development" in screen["note"] and "phone" in screen["note"]
    assert known_code in screen["body"]


def test_sent_messages_are_read_only_in_the_admin_and_show_codes_masked() -> None:
    MemorySender.outbox.clear()
    send_code(purpose="contact", destination="+6281234500001", channel="sms")
    code = _code_sent("+6281234500001")
    message = OutboundMessage.objects.get(to="+6281234500001")
    officer = get_user_model().objects.create_superuser("petugas", password="x")
    client = Client()
    client.force_login(officer)
    base = "/admin/notifications/outboundmessage/"
    listing = client.get(base)
    assert listing.status_code == 200 and code not in listing.content.decode()
    page = client.get(f"{base}{message.pk}/change/")
    assert page.status_code == 200
    assert code not in page.content.decode() and CODE_MASK in page.content.decode()
    assert 'name="body"' not in page.content.decode()  # no form field to change it
    assert client.get(f"{base}add/").status_code == 403
    changed = client.post(f"{base}{message.pk}/change/", {"body": "ganti", "state": "queued"})
    assert changed.status_code == 403
    assert client.post(f"{base}{message.pk}/delete/", {"post": "yes"}).status_code == 403
    message.refresh_from_db()
    assert message.state == "sent" and CODE_MASK in message.body
