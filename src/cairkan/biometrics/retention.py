"""How long the face step's short-lived records are kept (docs/retention.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from cairkan.biometrics.models import LivenessChallenge

CHALLENGE_KEPT_AFTER_EXPIRY = timedelta(days=1)


def prune(*, now: datetime) -> dict[str, int]:
    # A challenge with an attempt is part of the audit trail and stays.
    return {
        "unused challenges": LivenessChallenge.objects.filter(
            expires_at__lt=now - CHALLENGE_KEPT_AFTER_EXPIRY, attempt__isnull=True
        ).delete()[0]
    }
