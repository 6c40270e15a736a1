"""Senders for the tests: one that records, one whose provider fails a few times, one
that refuses every message, one that watches how it is called."""

from __future__ import annotations

from typing import ClassVar

from django.db import connection

from cairkan.notifications.models import OutboundMessage
from cairkan.notifications.senders import PermanentSenderError, SenderError


class RecordingSender:
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, *, channel: str, to: str, subject: str, body: str, idempotency_key: str) -> str:
        self.sent.append((to, body))
        return f"rec-{len(self.sent)}"


class FlakySender:
    """Fails ``failures`` times in a row, like an SMS provider timing out, then works.
    A bare SenderError: adapters that do not say which kind count as temporary."""

    failures: ClassVar[int] = 2
    calls: ClassVar[int] = 0

    def send(self, *, channel: str, to: str, subject: str, body: str, idempotency_key: str) -> str:
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise SenderError("provider timed out")
        return f"flaky-{type(self).calls}"


class RefusingSender:
    """The provider answers that the number cannot be reached: trying again is useless."""

    calls: ClassVar[int] = 0

    def send(self, *, channel: str, to: str, subject: str, body: str, idempotency_key: str) -> str:
        type(self).calls += 1
        raise PermanentSenderError("number does not exist")


class WatchingSender:
    """Records, for each call: inside a transaction?, the row's state, the key given."""

    seen: ClassVar[list[tuple[bool, str, str]]] = []

    def send(self, *, channel: str, to: str, subject: str, body: str, idempotency_key: str) -> str:
        state = OutboundMessage.objects.filter(to=to).values_list("state", flat=True).get()
        self.seen.append((connection.in_atomic_block, state, idempotency_key))
        return "watched"
