"""Bearer tokens: issued after login (and device confirmation), valid 30 days."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from cairkan.accounts.models import MemberAccount
from cairkan.accounts.services import device_hash
from cairkan.api.models import ApiToken

LIFETIME = timedelta(days=30)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(account: MemberAccount, device_id: str) -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        account=account,
        token_hash=_hash(token),
        device_hash=device_hash(device_id),
        expires_at=timezone.now() + LIFETIME,
    )
    return token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = (
            ApiToken.objects.select_related("account__participant")
            .filter(token_hash=_hash(token), expires_at__gt=timezone.now())
            .first()
        )
        if record is None:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        return record.account
