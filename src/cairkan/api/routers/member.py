"""The member's own balance."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from cairkan.accounts.models import MemberAccount
from cairkan.api.core import enrolled
from cairkan.members.balances import kpj_balances

# Member data: only for an account whose face is enrolled (issue 9 H3).
router = Router(auth=enrolled)


class BalanceOut(Schema):
    balance: int
    as_of: date
    kpj: list[str]


@router.get("/me/balance", response=BalanceOut, tags=["member"])
def balance(request: HttpRequest) -> dict[str, Any]:
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    today = timezone.localdate()
    participant = account.participant  # enrolled: the router's token check saw to it
    balances = kpj_balances(participant=participant, as_of=today)  # one query
    return {"balance": sum(balances.values()), "as_of": today, "kpj": list(balances)}
