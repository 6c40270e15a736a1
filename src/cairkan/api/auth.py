"""Bearer tokens: issued after login (and device confirmation), valid 30 days, and only
from the device they were issued to (header ``X-Device-Id``).

Two checks: ``TokenAuth`` for what any logged-in account may do (its tokens, logging out,
the face step), ``EnrolledTokenAuth`` for member data (balance, draft, uploads, claims):
those also need the account's face enrolled against the registry photo, since until
then the account may be a stranger's who knows the member's identity data (issue 9 H3)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from cairkan.accounts.services import AccountError, device_hash
from cairkan.api.models import ApiToken
from cairkan.biometrics.models import FaceEnrolment

LIFETIME = timedelta(days=30)
# How stale a token's recorded last use may be: finer would cost a write per request.
LAST_USE_PRECISION = timedelta(hours=1)
DEVICE_HEADER = "X-Device-Id"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenAuth(HttpBearer):
    """A token is good while unexpired and unrevoked, from its own device. One indexed
    read per request; the last use is written at most once per ``LAST_USE_PRECISION``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        device = request.headers.get(DEVICE_HEADER, "")
        if not token or not device:
            return None
        now = timezone.now()
        # A stolen token from another device is refused like an unknown one: no oracle.
        # token_hash is unique: at most one row, so no ORDER BY/LIMIT as .first() would add.
        found = list(
            self.tokens().filter(
                token_hash=token_hash(token), device_hash=device_hash(device), expires_at__gt=now
            )
        )
        if not found:
            return None
        record = found[0]
        if record.last_used_at is None or now - record.last_used_at > LAST_USE_PRECISION:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        self.admit(record)
        request.api_token = record  # type: ignore[attr-defined]  # for logout, "current"
        return record.account

    def tokens(self) -> QuerySet[ApiToken]:
        return ApiToken.objects.select_related("account__participant")

    def admit(self, record: ApiToken) -> None:
        """Refuse a good token its route by raising (the error becomes the answer)."""


class EnrolledTokenAuth(TokenAuth):
    """A good token whose account's face is enrolled; else 403 ``face_not_enrolled``.
    The enrolment is read in the token's own query (as ``accounts.selectors.face_enrolled``
    would read it): no query more per request."""

    def tokens(self) -> QuerySet[ApiToken]:
        enrolled = FaceEnrolment.objects.filter(participant=OuterRef("account__participant"))
        return super().tokens().annotate(face_enrolled=Exists(enrolled))

    def admit(self, record: ApiToken) -> None:
        if not record.face_enrolled:  # type: ignore[attr-defined]  # annotated above
            raise AccountError("face_not_enrolled")
