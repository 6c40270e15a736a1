"""The back office's login, under the same two-level limit as members' login.

Without it ``/admin/`` took 30 wrong passwords and then the right one. Failures count
per username (normalised: an attacker cannot get fresh tries by changing case or
adding spaces) and per client address; past either limit the form says when to try
again, and a correct password is not even checked until then.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import formats, timezone

from cairkan.accounts import throttle
from cairkan.accounts.clients import client_address
from cairkan.accounts.messages import MESSAGES

STAFF_ACCOUNT_LIMIT = throttle.Limit("staff_login_account", 5, timedelta(minutes=15))
STAFF_CLIENT_LIMIT = throttle.Limit("staff_login_client", 20, timedelta(minutes=15))


def staff_username_key(username: str) -> str:
    """One key for every spelling of a username (NFKC, stripped; the limiter casefolds)."""
    return unicodedata.normalize("NFKC", username).strip()


def _client(request: HttpRequest | None) -> str:
    """The same trusted-proxy rule as the members' limits (``accounts.clients``)."""
    return client_address(request) if request is not None else "unknown"


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        limits = [
            (STAFF_ACCOUNT_LIMIT, staff_username_key(username)),
            (STAFF_CLIENT_LIMIT, _client(self.request)),
        ]
        try:
            throttle.check(limits)
        except throttle.Throttled as exc:
            until = formats.time_format(timezone.localtime(exc.until), "H:i")
            raise ValidationError(
                MESSAGES["login_throttled"], code="throttled", params={"time": until}
            ) from None
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.record_failure(limits)
            raise
        throttle.forget(STAFF_ACCOUNT_LIMIT, staff_username_key(username))
        return cleaned
