from __future__ import annotations

from django.db import models

from cairkan.accounts.models import MemberAccount


class ApiToken(models.Model):
    """A bearer token for the native app; only its SHA-256 is stored."""

    account = models.ForeignKey(MemberAccount, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    device_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token of {self.account_id}"
