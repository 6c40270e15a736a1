"""Filing a claim, following it, answering an officer's correction, and free slots."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import AwareDatetime

from cairkan.accounts.models import MemberAccount
from cairkan.api.core import In, _uuid, enrolled, problems
from cairkan.api.routers.uploads import UploadIn, UploadOut, _upload_out
from cairkan.claims import appointments, documents
from cairkan.claims.models import Claim
from cairkan.claims.services import (
    ClaimError,
    ClaimRequest,
    HelperInfo,
    claim_correct,
    claim_submit,
    correction_items,
    stage_of,
)
from cairkan.payouts.failures import member_message
from cairkan.payouts.models import PayoutState
from cairkan.payouts.selectors import payout_of

# Member data: only for an account whose face is enrolled (issue 9 H3).
router = Router(auth=enrolled)


class HelperIn(In):
    name: str
    relation: str
    phone: str


class ClaimIn(In):
    reason: str
    separation_date: date | None = None
    bank_code: str
    account_number: str
    npwp: str = ""
    prefer_branch: bool = False
    appointment_kind: str = ""
    # A time without its zone cannot be set against the officers' slots (a 500 before).
    appointment_at: AwareDatetime | None = None
    helper: HelperIn | None = None


class EventOut(Schema):
    status: str
    at: str
    reason: str


class AppointmentOut(Schema):
    kind: str
    starts_at: datetime


class PayoutOut(Schema):
    """The claim's current payment: ``state`` one of queued, sending, unknown, accepted,
    held, paid, failed; on failure the reason's code and what the member reads."""

    state: str
    failure_code: str
    failure_message: str


class ClaimOut(Schema):
    id: str
    reason: str
    channel: str
    status: str
    stage: int
    stage_name: str
    gross: int
    tax: int
    net: int
    payment_due: date
    documents_required: list[str]
    correction_fields: list[str]
    rejection_code: str
    appointment: AppointmentOut | None = None
    payout: PayoutOut | None = None
    events: list[EventOut]


def _payout_out(claim: Claim) -> dict[str, str] | None:
    payout = payout_of(claim)
    if payout is None:
        return None
    code = payout.failure_code if payout.state == PayoutState.FAILED else ""
    return {
        "state": payout.state,
        "failure_code": code,
        "failure_message": member_message(code) if code else "",
    }


def _claim_out(claim: Claim) -> dict[str, Any]:
    stage, name = stage_of(claim)
    return {
        "id": str(claim.public_id),
        "reason": claim.reason,
        "channel": claim.channel,
        "status": claim.status,
        "stage": stage + 1,
        "stage_name": name,
        "gross": claim.gross,
        "tax": claim.tax,
        "net": claim.net,
        "payment_due": claim.payment_due,
        "documents_required": claim.documents_required,
        # What the member must send back: a failed payment asks for another bank account.
        "correction_fields": correction_items(claim),
        "rejection_code": claim.rejection_code,
        "appointment": claim.appointments.filter(state="booked")
        .values("kind", "starts_at")
        .first(),
        "payout": _payout_out(claim),
        "events": [
            {"status": e.to_status, "at": e.at.isoformat(), "reason": e.reason}
            for e in claim.events.all()
        ],
    }


@router.post(
    "/claims",
    response={200: ClaimOut, 201: ClaimOut, **problems(400, 409)},
    tags=["claim"],
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": 64},
                "description": "One per claim the member means to file; a repeat returns it.",
            }
        ]
    },
)
def claim_create(request: HttpRequest, payload: ClaimIn) -> Status[dict[str, Any]]:
    """File the claim. Send an ``Idempotency-Key`` header; repeating the request with the
    same key returns the same claim (200) instead of filing another (201)."""
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    key = request.headers.get("Idempotency-Key", "")
    existed = Claim.objects.filter(participant=account.participant, idempotency_key=key).exists()
    fields = payload.dict()
    helper = fields.pop("helper")
    claim = claim_submit(
        participant=account.participant,
        request=ClaimRequest(**fields),
        idempotency_key=key,
        helper_info=HelperInfo(**helper) if helper else None,
    )
    return Status(200 if existed else 201, _claim_out(claim))


def _own_claim(account: MemberAccount, claim_id: str) -> Claim:
    claim = (
        Claim.objects.filter(public_id=claim_id, participant=account.participant).first()
        if _uuid(claim_id)
        else None
    )
    if claim is None:
        raise ClaimError("claim_unknown")
    return claim


@router.get("/claims/{claim_id}", response={200: ClaimOut, **problems(400)}, tags=["claim"])
def claim_status(request: HttpRequest, claim_id: str) -> dict[str, Any]:
    return _claim_out(_own_claim(request.auth, claim_id))  # type: ignore[attr-defined]


@router.post(
    "/claims/{claim_id}/uploads",
    response={201: UploadOut, **problems(400, 413)},
    tags=["claim"],
)
def claim_upload_create(
    request: HttpRequest, claim_id: str, payload: UploadIn
) -> Status[dict[str, Any]]:
    """Upload again a document the officer asked for (needs correction); the bytes go to
    ``PATCH /uploads/{id}`` as for a draft."""
    claim = _own_claim(request.auth, claim_id)  # type: ignore[attr-defined]
    upload = documents.upload_start(
        claim=claim, kind=payload.kind, filename=payload.filename, size=payload.size
    )
    return Status(201, _upload_out(upload))


class CorrectionIn(In):
    bank_code: str = ""
    account_number: str = ""


@router.post(
    "/claims/{claim_id}/correction",
    response={200: ClaimOut, **problems(400, 409)},
    tags=["claim"],
)
def claim_correction(request: HttpRequest, claim_id: str, payload: CorrectionIn) -> dict[str, Any]:
    """Send back what the officer asked for: documents uploaded again and/or another
    bank account. Repeating it after it went through returns the claim unchanged."""
    claim = _own_claim(request.auth, claim_id)  # type: ignore[attr-defined]
    return _claim_out(claim_correct(claim=claim, **payload.dict()))


class SlotOut(Schema):
    kind: str
    starts_at: datetime
    seats_left: int


@router.get("/slots", response={200: list[SlotOut], **problems(400)}, tags=["claim"])
def slots(request: HttpRequest, kind: str = "video") -> list[dict[str, Any]]:
    """Free video-call (``video``) or branch (``branch``) appointments from the officers'
    published capacity, for claims on the assisted channels."""
    try:
        free = appointments.free_slots(kind=kind)
    except appointments.AppointmentError as exc:
        raise ClaimError(exc.code) from None
    return [{"kind": s.kind, "starts_at": s.starts_at, "seats_left": s.seats_left} for s in free]
