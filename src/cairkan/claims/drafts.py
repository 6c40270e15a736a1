"""The claim wizard's answers, saved server-side step by step with optimistic versions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from cairkan.claims.models import ClaimDraft
from cairkan.integrations.bank.base import BANKS
from cairkan.jht import Reason

STEPS = ("reason", "data", "documents", "face", "bank", "review")
# Prefilled facts a member may flag as wrong instead of retyping them.
FLAGGABLE = ("full_name", "birth_date", "kpj", "employer", "membership_start", "separation_date")


class DraftError(Exception):
    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


class DraftConflict(Exception):
    """The draft changed since the client loaded it (another tab or phone)."""

    def __init__(self, current: ClaimDraft) -> None:
        super().__init__(f"draft is at version {current.version}")
        self.current = current


def draft_for(*, participant: Any, helper: Any = None) -> ClaimDraft:
    draft, _ = ClaimDraft.objects.get_or_create(
        participant=participant, defaults={"helper": helper}
    )
    return draft


def _clean(step: str, answers: dict[str, Any]) -> dict[str, Any]:
    if step == "reason":
        try:
            reason = Reason(str(answers.get("reason", "")))
        except ValueError:
            raise DraftError("reason", "reason_unknown") from None
        return {"reason": reason.value}
    if step == "data":
        flagged = answers.get("flagged", [])
        if not isinstance(flagged, list) or any(f not in FLAGGABLE for f in flagged):
            raise DraftError("flagged", "field_unknown")
        cleaned: dict[str, Any] = {"flagged": flagged, "note": str(answers.get("note", ""))[:500]}
        if answers.get("separation_date"):
            try:
                day = date.fromisoformat(str(answers["separation_date"]))
            except ValueError:
                raise DraftError("separation_date", "date_invalid") from None
            if day > date.today():
                raise DraftError("separation_date", "date_in_future")
            cleaned["separation_date"] = day.isoformat()
        return cleaned
    if step == "bank":
        bank_code = str(answers.get("bank_code", ""))
        account = "".join(ch for ch in str(answers.get("account_number", "")) if ch.isdigit())
        npwp = "".join(ch for ch in str(answers.get("npwp", "")) if ch.isdigit())
        if bank_code not in BANKS:
            raise DraftError("bank_code", "bank_unknown")
        if not 10 <= len(account) <= 16:
            raise DraftError("account_number", "account_number_length")
        if npwp and len(npwp) not in (15, 16):
            raise DraftError("npwp", "npwp_format")
        return {"bank_code": bank_code, "account_number": account, "npwp": npwp}
    if step in ("documents", "face", "review"):
        return {}  # their content lives in uploads and face attempts
    raise DraftError("step", "step_unknown")


def draft_save(
    *, draft: ClaimDraft, step: str, answers: dict[str, Any], version: int
) -> ClaimDraft:
    """Save one completed step; refuse (with the current draft) if ``version`` is stale."""
    cleaned = _clean(step, answers)
    with transaction.atomic():
        current = ClaimDraft.objects.select_for_update().get(pk=draft.pk)
        if version != current.version:
            raise DraftConflict(current)
        current.data = {**current.data, step: cleaned}
        following = STEPS.index(step) + 1
        current.step = STEPS[min(following, len(STEPS) - 1)]
        current.version += 1
        current.save()
    return current
