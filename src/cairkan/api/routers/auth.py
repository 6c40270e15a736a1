"""Logging in from the app (a token for a known device, a code for a new one), logging
out, changing the password, and the member's own tokens: listed with their expiry and
revocable one by one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from cairkan.accounts import services as accounts
from cairkan.accounts.clients import client_address
from cairkan.accounts.messages import is_throttled, message_for
from cairkan.accounts.models import MemberAccount
from cairkan.api.auth import DEVICE_HEADER
from cairkan.api.core import In, _problem, _uuid, auth, problems
from cairkan.api.models import ApiToken
from cairkan.api.selectors import tokens_of
from cairkan.api.services import IssuedToken, token_issue, token_revoke

router = Router()


class LoginIn(In):
    identifier: str
    password: str
    device_id: str


class ConfirmIn(LoginIn):
    code: str


class TokenOut(Schema):
    token: str | None = None
    expires_at: datetime | None = None
    code_sent_to: str | None = None


def _token_out(issued: IssuedToken) -> dict[str, Any]:
    return {"token": issued.token, "expires_at": issued.expires_at}


@router.post(
    "/auth/login", response={200: TokenOut, 202: TokenOut, **problems(400, 429)}, tags=["auth"]
)
def login(request: HttpRequest, payload: LoginIn) -> Status[dict[str, Any]]:
    """A token, or (for a new device) 202 and where the confirmation code went."""
    result = accounts.login(
        identifier=payload.identifier,
        password=payload.password,
        client=client_address(request),
        device_id=payload.device_id,
    )
    if result.device_confirmed:
        issued = token_issue(account=result.account, device_id=payload.device_id)
        return Status(200, _token_out(issued))
    return Status(202, {"code_sent_to": result.code_sent_to})


@router.post("/auth/confirm", response={200: TokenOut, **problems(400, 429)}, tags=["auth"])
def confirm(request: HttpRequest, payload: ConfirmIn) -> dict[str, Any]:
    result = accounts.login(
        identifier=payload.identifier,
        password=payload.password,
        client=client_address(request),
        device_id=payload.device_id,
    )
    if not result.device_confirmed:
        accounts.confirm_device(
            account=result.account, code=payload.code, device_id=payload.device_id
        )
    return _token_out(token_issue(account=result.account, device_id=payload.device_id))


@router.post("/auth/logout", response={204: None}, auth=auth, tags=["auth"])
def logout(request: HttpRequest) -> Status[None]:
    """Revoke the token this request was made with."""
    current: ApiToken = request.api_token  # type: ignore[attr-defined]
    token_revoke(account=current.account, token_id=str(current.public_id))
    return Status(204, None)


class PasswordIn(In):
    password: str
    new_password: str


@router.post(
    "/auth/password", response={200: TokenOut, **problems(400, 429)}, auth=auth, tags=["auth"]
)
def password_change(request: HttpRequest, payload: PasswordIn) -> dict[str, Any] | HttpResponse:
    """Set a new password, giving the current one. Every token of the member's is revoked,
    this one too; the answer carries a new token for this device."""
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    try:
        # Not one transaction with the new token: a wrong password's throttle record must
        # stay. Should issuing fail, the member logs in again with the new password.
        accounts.account_change_password(
            account=account, password=payload.password, new_password=payload.new_password
        )
    except accounts.AccountError as exc:
        if is_throttled(exc):
            raise
        field = "new_password" if exc.code == "password_weak" else "password"
        details = {"reasons": exc.params.get("reasons", [])}
        return _problem(request, 400, exc.code, message_for(exc), field, details)
    return _token_out(token_issue(account=account, device_id=request.headers[DEVICE_HEADER]))


class TokenInfoOut(Schema):
    id: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None
    current: bool


@router.get("/tokens", response=list[TokenInfoOut], auth=auth, tags=["auth"])
def tokens(request: HttpRequest) -> list[dict[str, Any]]:
    """The member's logged-in devices: when each token was issued, when it expires and
    (to the hour) when it was last used; ``current`` is the one making this request."""
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    current: ApiToken = request.api_token  # type: ignore[attr-defined]
    return [
        {
            "id": str(t.public_id),
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": t.last_used_at,
            "current": t.pk == current.pk,
        }
        for t in tokens_of(account=account)
    ]


@router.delete(
    "/tokens/{token_id}", response={204: None, **problems(404)}, auth=auth, tags=["auth"]
)
def token_delete(request: HttpRequest, token_id: str) -> Status[None] | HttpResponse:
    """Log out a device: revoke one of the member's tokens by its ``id``."""
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    if _uuid(token_id) is None or not token_revoke(account=account, token_id=token_id):
        message = _("There is no such login of yours. It may have expired or been logged out.")
        return _problem(request, 404, "token_unknown", message, "token_id")
    return Status(204, None)
