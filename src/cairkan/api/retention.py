"""How long the app's sign-ins are kept (docs/retention.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from cairkan.api.models import ApiToken

# An expired token opens nothing; a day lets support see why an app was signed out.
TOKEN_KEPT_AFTER_EXPIRY = timedelta(days=1)


def prune(*, now: datetime) -> dict[str, int]:
    return {
        "expired API tokens": ApiToken.objects.filter(
            expires_at__lt=now - TOKEN_KEPT_AFTER_EXPIRY
        ).delete()[0]
    }
