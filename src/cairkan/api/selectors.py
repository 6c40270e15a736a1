"""Reads for the API that are more than one lookup."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from cairkan.accounts.models import MemberAccount
from cairkan.api.models import ApiToken


def tokens_of(*, account: MemberAccount) -> QuerySet[ApiToken]:
    """The member's live tokens, newest first (expired ones wait for ``prune``)."""
    return ApiToken.objects.filter(account=account, expires_at__gt=timezone.now()).order_by(
        "-created_at"
    )
