from __future__ import annotations

import uuid

from django.db import models

from cairkan.accounts.models import MemberAccount


class ApiToken(models.Model):
    """A bearer token for the native app; only its SHA-256 is stored. It works only from
    the device it was issued to, until it expires or is revoked (deleted): by logout, by
    the member from another device, by a password change and by account recovery."""

    account = models.ForeignKey(MemberAccount, on_delete=models.CASCADE, related_name="tokens")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    device_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # To the hour at best: recording every use would write to the database on each read.
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token of {self.account_id}"
