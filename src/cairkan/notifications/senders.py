"""Who hands a message to the member: the provider's adapter behind one interface.

An adapter raises ``TemporarySenderError`` when trying again later may work (timeout,
rate limit, provider down) and ``PermanentSenderError`` when it cannot (no such number,
blocked recipient); a bare ``SenderError`` counts as temporary.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import ClassVar, Protocol

import structlog
from django.conf import settings
from django.utils.module_loading import import_string

log = structlog.get_logger(__name__)


class SenderError(Exception):
    """The provider did not take the message; counted as temporary unless a subclass
    says otherwise."""

    permanent = False


class TemporarySenderError(SenderError):
    """Worth trying again later: the provider timed out, was down or throttled us."""


class PermanentSenderError(SenderError):
    """Never worth trying again: the provider refused this message or recipient."""

    permanent = True


class Sender(Protocol):
    def send(self, *, channel: str, to: str, subject: str, body: str, idempotency_key: str) -> str:
        """Hand the message to the provider; return its reference. Raise SenderError.

        ``idempotency_key`` is the same on every attempt of one message: pass it to a
        provider that deduplicates on a client reference."""
        ...


class ConsoleSender:
    """Development only: the log stands in for the member's phone and inbox, so that
    ``make run`` can be used end to end (one-time codes included). Anywhere else it is
    no provider at all: it refuses every message (a person sees them as given up in the
    back office) and writes nothing of them to the log."""

    def send(self, *, channel: str, to: str, subject: str, body: str, idempotency_key: str) -> str:
        if settings.CAIRKAN_ENV != "development":
            raise PermanentSenderError(
                "no message provider configured (CAIRKAN_NOTIFICATION_SENDER is the "
                "development console)"
            )
        log.info(
            "member_phone_screen",
            note=f"development only: what the member's phone or inbox ({channel}) shows",
            to=to,
            subject=subject,
            body=body,
        )
        return "console"


@dataclass(frozen=True)
class Delivered:
    channel: str
    to: str
    subject: str
    body: str
    idempotency_key: str


class MemorySender:
    """What each phone and inbox received, kept in memory: the tests' stand-in for the
    member's phone (like Django's locmem e-mail backend)."""

    outbox: ClassVar[list[Delivered]] = []

    def send(self, *, channel: str, to: str, subject: str, body: str, idempotency_key: str) -> str:
        self.outbox.append(Delivered(channel, to, subject, body, idempotency_key))
        return f"memory-{len(self.outbox)}"


@cache
def sender() -> Sender:
    return import_string(settings.CAIRKAN_NOTIFICATION_SENDER)()  # type: ignore[no-any-return]
