"""Resumable document uploads: start one, ask where it stands, send the next bytes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema, Status

from cairkan.accounts.models import MemberAccount
from cairkan.api.core import In, _uuid, enrolled, problems
from cairkan.claims import documents, drafts
from cairkan.claims.models import DocumentUpload

# Member data: only for an account whose face is enrolled (issue 9 H3).
router = Router(auth=enrolled)

# The chunk is the raw request body, not JSON, so the document says so by hand.
CHUNK_REQUEST: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": "Upload-Offset",
            # Without it (or with another offset) the answer is 409 with the one expected.
            "required": False,
            "schema": {"type": "integer", "minimum": 0},
            "description": "Where these bytes go: the upload's ``received`` so far.",
        }
    ],
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
}


class UploadIn(In):
    kind: str
    filename: str
    size: int


class UploadOut(Schema):
    id: str
    kind: str
    size: int
    received: int
    state: str
    rejection: str = ""
    message: str = ""


def _upload_out(upload: DocumentUpload) -> dict[str, Any]:
    return documents.upload_summary(upload)


def _upload(account: MemberAccount, upload_id: str) -> DocumentUpload:
    if _uuid(upload_id) is None:
        raise documents.UploadError("upload_unknown")
    mine = Q(draft__participant=account.participant) | Q(claim__participant=account.participant)
    upload = DocumentUpload.objects.filter(mine, public_id=upload_id).first()
    if upload is None:
        raise documents.UploadError("upload_unknown")
    return upload


@router.post("/uploads", response={201: UploadOut, **problems(400, 413)}, tags=["claim"])
def upload_create(request: HttpRequest, payload: UploadIn) -> Status[dict[str, Any]]:
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    draft = drafts.draft_for(participant=account.participant)
    upload = documents.upload_start(
        draft=draft, kind=payload.kind, filename=payload.filename, size=payload.size
    )
    return Status(201, _upload_out(upload))


@router.get("/uploads/{upload_id}", response={200: UploadOut, **problems(400)}, tags=["claim"])
def upload_status(request: HttpRequest, upload_id: str) -> dict[str, Any]:
    """Where to resume: ``received`` bytes are safe on the server."""
    return _upload_out(_upload(request.auth, upload_id))  # type: ignore[attr-defined]


@router.patch(
    "/uploads/{upload_id}",
    response={200: UploadOut, **problems(400, 409, 413)},
    tags=["claim"],
    openapi_extra=CHUNK_REQUEST,
)
def upload_chunk(request: HttpRequest, upload_id: str) -> dict[str, Any]:
    """The request body is the next bytes; header ``Upload-Offset`` says where they go."""
    upload = _upload(request.auth, upload_id)  # type: ignore[attr-defined]
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
    except ValueError:
        raise documents.UploadError("offset_mismatch", expected=upload.received) from None
    return _upload_out(documents.upload_append(upload=upload, offset=offset, chunk=request.body))
