"""Senders for the tests: one that records, one whose provider fails a few times."""

from __future__ import annotations

from typing import ClassVar

from cairkan.notifications.gateway import SenderError


class RecordingSender:
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, *, channel: str, to: str, subject: str, body: str) -> str:
        self.sent.append((to, body))
        return f"rec-{len(self.sent)}"


class FlakySender:
    """Fails ``failures`` times in a row, like an SMS provider timing out, then works."""

    failures: ClassVar[int] = 2
    calls: ClassVar[int] = 0

    def send(self, *, channel: str, to: str, subject: str, body: str) -> str:
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise SenderError("provider timed out")
        return f"flaky-{type(self).calls}"
