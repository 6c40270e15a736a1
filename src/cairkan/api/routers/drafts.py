"""The claim draft: one step saved at a time, with optimistic versioning."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from cairkan.accounts.models import MemberAccount
from cairkan.api.core import In, enrolled, problems
from cairkan.claims import drafts
from cairkan.claims.services import step_save

# Member data: only for an account whose face is enrolled (issue 9 H3).
router = Router(auth=enrolled)


class DraftOut(Schema):
    id: str
    step: str
    data: dict[str, Any]
    version: int


class DraftIn(In):
    answers: dict[str, Any]
    version: int


def _draft_out(draft: Any) -> dict[str, Any]:
    return {
        "id": str(draft.public_id),
        "step": draft.step,
        "data": draft.data,
        "version": draft.version,
    }


@router.get("/draft", response=DraftOut, tags=["claim"])
def draft_get(request: HttpRequest) -> dict[str, Any]:
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    return _draft_out(drafts.draft_for(participant=account.participant))


@router.put(
    "/draft/{step}",
    response={200: DraftOut, 409: DraftOut, **problems(400)},
    tags=["claim"],
)
def draft_put(request: HttpRequest, step: str, payload: DraftIn) -> Status[dict[str, Any]]:
    """Save a completed step. 409 returns the current draft when ``version`` is stale."""
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    draft = drafts.draft_for(participant=account.participant)
    try:
        saved = step_save(
            participant=account.participant,
            draft=draft,
            step=step,
            answers=payload.answers,
            version=payload.version,
        )
    except drafts.DraftConflict as conflict:
        return Status(409, _draft_out(conflict.current))
    return Status(200, _draft_out(saved))
