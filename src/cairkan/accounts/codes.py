"""One-time codes: six digits, five minutes, five wrong tries, one resend a minute."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cairkan.accounts.models import OneTimeCode
from cairkan.notifications.gateway import CODE_MASK, notify

LIFETIME = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
MAX_WRONG = 5


class CodeError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # code_wrong, code_expired, code_too_many_tries, code_resend_wait


def _hash(destination: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{destination}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(*, purpose: str, destination: str, channel: str) -> OneTimeCode:
    """Send a fresh code; refuses to resend within a minute of the last one."""
    latest = (
        OneTimeCode.objects.filter(purpose=purpose, destination=destination)
        .order_by("-created_at")
        .first()
    )
    if latest and latest.created_at > timezone.now() - RESEND_AFTER:
        raise CodeError("code_resend_wait")
    code = f"{secrets.randbelow(10**6):06d}"
    record = OneTimeCode.objects.create(
        purpose=purpose,
        destination=destination,
        code_hash=_hash(destination, code),
        expires_at=timezone.now() + LIFETIME,
    )
    # The outbox stores the body with the code masked; the code itself reaches only
    # the provider (issue 9 M7).
    body = _(
        "Your Cairkan code is %(code)s. It is valid for 5 minutes. Never share it, "
        "not even with an officer."
    ) % {"code": CODE_MASK}
    notify(channel=channel, to=destination, subject=_("Cairkan code"), body=body, secret=code)
    return record


def verify_code(*, purpose: str, destination: str, code: str) -> None:
    """Accept the latest code for (purpose, destination) once; count wrong tries.

    The verdict is decided inside the transaction and raised after it commits, so a
    wrong try is counted even though the call fails.
    """
    error = None
    with transaction.atomic():
        record = (
            OneTimeCode.objects.select_for_update()
            .filter(purpose=purpose, destination=destination, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if record is None or record.expires_at < timezone.now():
            error = "code_expired"
        elif record.wrong_tries >= MAX_WRONG:
            error = "code_too_many_tries"
        elif not hmac.compare_digest(record.code_hash, _hash(destination, code.strip())):
            record.wrong_tries += 1
            record.save(update_fields=["wrong_tries"])
            error = "code_too_many_tries" if record.wrong_tries >= MAX_WRONG else "code_wrong"
        else:
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
    if error:
        raise CodeError(error)
