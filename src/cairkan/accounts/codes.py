"""One-time codes: six digits, five minutes, five wrong tries, one resend a minute.

Every code sent costs an SMS and lands on someone's phone, so sends are limited too: a
daily cap per destination (the member's phone or e-mail), and per client address and per
session (a registration or a recovery), so one identity check cannot send codes to any
number of strangers (SMS pumping).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cairkan.accounts import throttle
from cairkan.accounts.models import OneTimeCode
from cairkan.notifications.gateway import CODE_MASK, notify

LIFETIME = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
MAX_WRONG = 5
DESTINATION_DAY = throttle.Limit("code_destination", 10, timedelta(days=1))
CLIENT_HOUR = throttle.Limit("code_client", 10, timedelta(hours=1))
CLIENT_DAY = throttle.Limit("code_client_day", 30, timedelta(days=1))
SESSION_DAY = throttle.Limit("code_session", 5, timedelta(days=1))


class CodeError(Exception):
    def __init__(self, code: str, until: datetime | None = None) -> None:
        super().__init__(code)
        # code_wrong, code_expired, code_too_many_tries, code_resend_wait,
        # code_send_throttled (with ``until``)
        self.code = code
        self.until = until


def _hash(destination: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{destination}:{code}".encode(), hashlib.sha256).hexdigest()


def _send_limits(destination: str, client: str, session: str) -> list[tuple[throttle.Limit, str]]:
    limits = [(DESTINATION_DAY, destination)]
    if client:
        limits += [(CLIENT_HOUR, client), (CLIENT_DAY, client)]
    if session:
        limits.append((SESSION_DAY, session))
    return limits


def send_code(
    *,
    purpose: str,
    destination: str,
    channel: str,
    device: str = "",
    client: str = "",
    session: str = "",
) -> OneTimeCode:
    """Send a fresh code; refuses to resend within a minute of a code still waiting to be
    used (for the same device), and past the send limits."""
    now = timezone.now()
    waiting = OneTimeCode.objects.filter(
        purpose=purpose,
        destination=destination,
        device_hash=device,
        used_at__isnull=True,
        wrong_tries__lt=MAX_WRONG,
        created_at__gt=now - RESEND_AFTER,
    )
    if waiting.exists():
        raise CodeError("code_resend_wait")
    try:
        throttle.take(_send_limits(destination, client, session))
    except throttle.Throttled as exc:
        raise CodeError("code_send_throttled", until=exc.until) from None
    code = f"{secrets.randbelow(10**6):06d}"
    record = OneTimeCode.objects.create(
        purpose=purpose,
        destination=destination,
        device_hash=device,
        code_hash=_hash(destination, code),
        expires_at=now + LIFETIME,
    )
    # The outbox stores the body with the code masked; the code itself reaches only
    # the provider (issue 9 M7).
    body = _(
        "Your Cairkan code is %(code)s. It is valid for 5 minutes. Never share it, "
        "not even with an officer."
    ) % {"code": CODE_MASK}
    notify(channel=channel, to=destination, subject=_("Cairkan code"), body=body, secret=code)
    return record


def verify_code(*, purpose: str, destination: str, code: str, device: str = "") -> None:
    """Accept an unexpired, unused code for (purpose, destination, device) once.

    Any such code is accepted, not only the newest: a code asked for again a minute later
    must not make the one already on its way useless. A wrong try counts against all of
    them, so several live codes give no more guesses than one. The verdict is decided
    inside the transaction and raised after it commits, so a wrong try is counted even
    though the call fails.
    """
    error = None
    now = timezone.now()
    with transaction.atomic():
        live = list(
            OneTimeCode.objects.select_for_update()
            .filter(
                purpose=purpose,
                destination=destination,
                device_hash=device,
                used_at__isnull=True,
                expires_at__gte=now,
            )
            .order_by("-created_at")
        )
        usable = [record for record in live if record.wrong_tries < MAX_WRONG]
        typed = _hash(destination, code.strip())
        matching = [r for r in usable if hmac.compare_digest(r.code_hash, typed)]
        if not live:
            error = "code_expired"
        elif not usable:
            error = "code_too_many_tries"
        elif matching:
            matching[0].used_at = now
            matching[0].save(update_fields=["used_at"])
        else:
            for record in usable:
                record.wrong_tries += 1
                record.save(update_fields=["wrong_tries"])
            burnt = all(record.wrong_tries >= MAX_WRONG for record in usable)
            error = "code_too_many_tries" if burnt else "code_wrong"
    if error:
        raise CodeError(error)
