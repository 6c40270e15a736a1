"""Handing outbox messages to the provider: claim, send, record.

Claiming moves the row from ``queued`` to ``sending`` in one conditional UPDATE (its own
short transaction), so exactly one deliverer wins; the provider is called with no
transaction open, so its latency never holds a row lock or SQLite's write lock; the
answer is recorded in a second short UPDATE. Attempts are the message's own: a pause
that doubles from ``CAIRKAN_NOTIFICATION_RETRY_SECONDS`` between them, ``MAX_ATTEMPTS``
in all, then ``failed``; a permanent refusal fails at once.

A process that dies after claiming leaves the row in ``sending``. After
``SENDING_TIMEOUT`` (far longer than any provider call may take: adapters must time out
well before it) ``messages_resume_stuck`` puts it back in the queue and it is sent again
with the same idempotency key. A provider that deduplicates on that key delivers it
once; one that does not may deliver it twice. We prefer a rare duplicate status message
to a lost one; a message carrying a one-time code is never resent (its code is not
kept) and is given up instead: the member asks for a new code.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from cairkan.notifications.models import CODE_MASK, OutboundMessage
from cairkan.notifications.senders import SenderError, sender

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 8  # about half an hour of pauses at the default 15 s base
SENDING_TIMEOUT = timedelta(minutes=10)
# A new message's first delivery runs right after commit; only if it has not happened
# by then does `resend-messages` conclude that its task was lost.
FIRST_DELIVERY_GRACE = timedelta(minutes=5)
CODE_NOT_KEPT = "the code is not kept for a retry: the member can ask for a new code"

State = OutboundMessage.State


def pause_after(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: the base, doubling each time."""
    return timedelta(seconds=settings.CAIRKAN_NOTIFICATION_RETRY_SECONDS * 2 ** (attempts - 1))


def message_deliver(*, message_id: int, secret: str | None = None) -> OutboundMessage | None:
    """Make one attempt at a queued message whose attempt is due (a first delivery is
    always due). Returns the message as recorded after the attempt, or ``None`` when
    this call made no attempt: another deliverer has it, it is not due, or it is done.

    ``secret`` is the one-time code the stored body shows as ``CODE_MASK``; it is given
    to the provider and to nothing else."""
    now = timezone.now()
    if secret is None:
        _give_up_withheld(message_id)
    claimed = (
        OutboundMessage.objects.filter(pk=message_id, state=State.QUEUED)
        .filter(Q(attempts=0) | Q(next_attempt_at__lte=now))
        .update(state=State.SENDING, sending_since=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    message = OutboundMessage.objects.get(pk=message_id)
    body = message.body if secret is None else message.body.replace(CODE_MASK, secret)
    try:
        reference = sender().send(
            channel=message.channel,
            to=message.to,
            subject=message.subject,
            body=body,
            idempotency_key=message.idempotency_key,
        )
    except Exception as exc:  # an adapter's bug must not strand the row in `sending`
        error = str(exc) or type(exc).__name__
        if secret:
            error = error.replace(secret, CODE_MASK)
        permanent = isinstance(exc, SenderError) and exc.permanent
        return _record_failure(message, error, permanent=permanent)
    return _record_sent(message, reference)


def _record_sent(message: OutboundMessage, reference: str) -> OutboundMessage:
    # A success is the truth even if the row was meanwhile presumed stuck and requeued.
    OutboundMessage.objects.filter(pk=message.pk, state__in=[State.SENDING, State.QUEUED]).update(
        state=State.SENT,
        sent_at=timezone.now(),
        provider_reference=reference[:100],
        sending_since=None,
    )
    message.refresh_from_db()
    return message


def _record_failure(message: OutboundMessage, error: str, *, permanent: bool) -> OutboundMessage:
    now = timezone.now()
    if message.secret_withheld:
        give_up, error = True, f"{error}; {CODE_NOT_KEPT}"
    else:
        give_up = permanent or message.attempts >= MAX_ATTEMPTS
    fields: dict[str, object] = {"last_error": error[:200], "sending_since": None}
    if give_up:
        fields["state"] = State.FAILED
    else:
        fields["state"] = State.QUEUED
        fields["next_attempt_at"] = now + pause_after(message.attempts)
    # Only the deliverer that still holds the claim records it (see SENDING_TIMEOUT).
    OutboundMessage.objects.filter(
        pk=message.pk, state=State.SENDING, attempts=message.attempts
    ).update(**fields)
    message.refresh_from_db()
    event = "message_given_up" if give_up else "message_not_sent"
    (log.error if give_up else log.warning)(
        event,
        message_id=message.pk,
        channel=message.channel,
        attempts=message.attempts,
        error=error[:200],
        next_attempt_at=None if give_up else message.next_attempt_at.isoformat(),
    )
    return message


def _give_up_withheld(message_id: int) -> None:
    """A code message can only go from the process that made the code."""
    if OutboundMessage.objects.filter(
        pk=message_id, state=State.QUEUED, secret_withheld=True
    ).update(state=State.FAILED, last_error=CODE_NOT_KEPT):
        log.error("message_given_up", message_id=message_id, error=CODE_NOT_KEPT)


def messages_resume_stuck(*, now: datetime) -> int:
    """Put deliveries interrupted in ``sending`` for longer than ``SENDING_TIMEOUT``
    back in the queue (or give them up: a code message, or no attempts left)."""
    stuck = OutboundMessage.objects.filter(
        state=State.SENDING, sending_since__lt=now - SENDING_TIMEOUT
    )
    interrupted = "interrupted while sending"
    given_up = stuck.filter(Q(secret_withheld=True) | Q(attempts__gte=MAX_ATTEMPTS)).update(
        state=State.FAILED, sending_since=None, last_error=f"{interrupted}; {CODE_NOT_KEPT}"[:200]
    )
    resumed = stuck.update(
        state=State.QUEUED, sending_since=None, next_attempt_at=now, last_error=interrupted
    )
    if given_up or resumed:
        log.warning("messages_resumed", resumed=resumed, given_up=given_up)
    return resumed
