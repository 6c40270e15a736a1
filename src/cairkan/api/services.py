"""Issuing and revoking the app's bearer tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cairkan.accounts.models import MemberAccount
from cairkan.accounts.services import device_hash
from cairkan.api.auth import LIFETIME, token_hash
from cairkan.api.models import ApiToken
from cairkan.audit.services import audit_record


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str  # shown once, to the device that logged in; only its hash is kept
    expires_at: datetime


def token_issue(*, account: MemberAccount, device_id: str) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        account=account,
        token_hash=token_hash(token),
        device_hash=device_hash(device_id),
        expires_at=timezone.now() + LIFETIME,
    )
    return IssuedToken(token, record.expires_at)


def token_revoke(*, account: MemberAccount, token_id: str) -> bool:
    """Revoke one of the member's own tokens; False if they have none by that id."""
    with transaction.atomic():
        deleted, _ = ApiToken.objects.filter(account=account, public_id=token_id).delete()
        if deleted:
            audit_record(
                actor_kind="member",
                actor_user=account.user_id,
                action="account.token_revoke",
                subject=("api.apitoken", token_id),
                participant=account.participant_id,
                why="the member revoked an app token",
            )
    return deleted > 0
