"""Logging in from the app: a token for a known device, a code for a new one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from cairkan.accounts import services as accounts
from cairkan.api.auth import issue_token
from cairkan.api.core import In

router = Router()


class LoginIn(In):
    identifier: str
    password: str
    device_id: str


class ConfirmIn(LoginIn):
    code: str


class TokenOut(Schema):
    token: str | None = None
    code_sent_to: str | None = None


@router.post("/auth/login", response={200: TokenOut, 202: TokenOut}, tags=["auth"])
def login(request: HttpRequest, payload: LoginIn) -> Status[dict[str, Any]]:
    """A token, or (for a new device) 202 and where the confirmation code went."""
    result = accounts.login(
        identifier=payload.identifier,
        password=payload.password,
        client=request.META.get("REMOTE_ADDR", ""),
        device_id=payload.device_id,
    )
    if result.device_confirmed:
        return Status(200, {"token": issue_token(result.account, payload.device_id)})
    return Status(202, {"code_sent_to": result.code_sent_to})


@router.post("/auth/confirm", response=TokenOut, tags=["auth"])
def confirm(request: HttpRequest, payload: ConfirmIn) -> dict[str, Any]:
    result = accounts.login(
        identifier=payload.identifier,
        password=payload.password,
        client=request.META.get("REMOTE_ADDR", ""),
        device_id=payload.device_id,
    )
    if not result.device_confirmed:
        accounts.confirm_device(
            account=result.account, code=payload.code, device_id=payload.device_id
        )
    return {"token": issue_token(result.account, payload.device_id)}
