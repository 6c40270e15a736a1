"""The claim wizard's answers, saved server-side step by step with optimistic versions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cairkan.accounts.services import PHONE, normalize_phone
from cairkan.claims.models import ClaimDraft
from cairkan.integrations.bank.base import BANKS
from cairkan.jht import Reason
from cairkan.members.identifiers import validate_npwp

STEPS = ("who", "reason", "data", "documents", "face", "bank", "schedule", "review")
# A relative helping an elderly member says who they are (assisted mode).
HELPER_RELATIONS = ("child", "spouse", "sibling", "grandchild", "other")
# Prefilled facts a member may flag as wrong instead of retyping them.
FLAGGABLE = ("full_name", "birth_date", "kpj", "employer", "membership_start", "separation_date")


class DraftError(Exception):
    def __init__(self, field: str, code: str, **params: Any) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code
        self.params = params  # the message's placeholders (claims.messages)


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


def _clean_who(answers: dict[str, Any]) -> dict[str, Any]:
    if not answers.get("helper"):
        return {"helper": False}
    name = " ".join(str(answers.get("name", "")).split())
    if not 2 <= len(name) <= 120:
        raise DraftError("name", "helper_name_required")
    relation = str(answers.get("relation", ""))
    if relation not in HELPER_RELATIONS:
        raise DraftError("relation", "helper_relation_unknown")
    phone = normalize_phone(str(answers.get("phone", "")))
    if not PHONE.match(phone):
        raise DraftError("phone", "phone_invalid")
    return {"helper": True, "name": name, "relation": relation, "phone": phone}


def _clean_schedule(answers: dict[str, Any]) -> dict[str, Any]:
    kind = str(answers.get("kind", ""))
    if kind not in ("video", "branch"):
        raise DraftError("kind", "appointment_kind_unknown")
    try:
        starts_at = datetime.fromisoformat(str(answers.get("starts_at", "")))
    except ValueError:
        raise DraftError("starts_at", "slot_required") from None
    if starts_at.tzinfo is None:
        raise DraftError("starts_at", "slot_required")
    return {"kind": kind, "starts_at": starts_at.isoformat()}


def clean_step(step: str, answers: dict[str, Any]) -> dict[str, Any]:
    if step == "who":
        return _clean_who(answers)
    if step == "schedule":
        return _clean_schedule(answers)
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
        npwp = str(answers.get("npwp", "")).strip()
        if bank_code not in BANKS:
            raise DraftError("bank_code", "bank_unknown")
        if not 10 <= len(account) <= 16:
            raise DraftError("account_number", "account_number_length")
        if npwp:
            try:
                npwp = validate_npwp(npwp)
            except ValidationError as error:
                raise DraftError("npwp", "npwp_format", reason=error.messages[0]) from None
        cleaned_bank = {"bank_code": bank_code, "account_number": account, "npwp": npwp}
        if answers.get("holder"):  # the bank's answer, added by the claims service
            cleaned_bank["holder"] = str(answers["holder"])[:120]
        return cleaned_bank
    if step in ("documents", "face", "review"):
        return {}  # their content lives in uploads and face attempts
    raise DraftError("step", "step_unknown")


def draft_save(
    *, draft: ClaimDraft, step: str, answers: dict[str, Any], version: int
) -> ClaimDraft:
    """Save one completed step; refuse (with the current draft) if ``version`` is stale."""
    cleaned = clean_step(step, answers)
    with transaction.atomic():
        current = ClaimDraft.objects.select_for_update().get(pk=draft.pk)
        if version != current.version and current.data.get(step) == cleaned:
            # The same save sent again (a phone that never heard the answer replays its
            # queued save): already done, and not another phone's change.
            return current
        if version != current.version:
            raise DraftConflict(current)
        current.data = {**current.data, step: cleaned}
        following = STEPS.index(step) + 1
        current.step = STEPS[min(following, len(STEPS) - 1)]
        current.version += 1
        current.save()
    return current
