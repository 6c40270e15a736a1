"""The member's own balance."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from cairkan.accounts.models import MemberAccount
from cairkan.accounts.selectors import verified_participant
from cairkan.accounts.services import AccountError
from cairkan.api.core import auth, problems
from cairkan.members.balances import participant_balance

router = Router()


class BalanceOut(Schema):
    balance: int
    as_of: date
    kpj: list[str]


@router.get("/me/balance", response={200: BalanceOut, **problems(403)}, auth=auth, tags=["member"])
def balance(request: HttpRequest) -> dict[str, Any]:
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    today = timezone.localdate()
    participant = verified_participant(account=account)
    if participant is None:  # an unenrolled account may be a stranger's: nothing to read
        raise AccountError("face_not_enrolled")
    return {
        "balance": participant_balance(participant=participant, as_of=today),
        "as_of": today,
        "kpj": list(participant.memberships.values_list("kpj", flat=True)),
    }
