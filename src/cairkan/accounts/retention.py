"""How long the accounts' short-lived records are kept (docs/retention.md); ``prune``
calls ``prune`` here with every other app's."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.sessions.models import Session
from django.db.models import Q

from cairkan.accounts import throttle
from cairkan.accounts.models import OneTimeCode, Registration

# A limit's window is at most 15 minutes; a day covers every window with room to spare.
THROTTLE_KEPT = timedelta(days=1)
# An expired code cannot be used; a day lets support see why a member's code failed.
CODE_KEPT_AFTER_EXPIRY = timedelta(days=1)


def prune(*, now: datetime) -> dict[str, int]:
    return {
        "login-limit records": throttle.prune(THROTTLE_KEPT),
        "one-time codes": OneTimeCode.objects.filter(
            expires_at__lt=now - CODE_KEPT_AFTER_EXPIRY
        ).delete()[0],
        "abandoned registrations": Registration.objects.filter(
            Q(expires_at__lt=now) & ~Q(step=Registration.Step.DONE)
        ).delete()[0],
        # An expired session can never be resumed; it still holds who was logged in.
        "expired sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
    }
