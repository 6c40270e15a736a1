"""Chunked, resumable document uploads for the wizard's JavaScript (session login).

The same protocol as the API's: open an upload, send bytes with ``Upload-Offset``, ask
where to resume after a drop. Answers are JSON with a member-readable ``message``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from cairkan.accounts.models import MemberAccount
from cairkan.claims.documents import UploadError, upload_append, upload_start, upload_summary
from cairkan.claims.drafts import draft_for
from cairkan.claims.messages import claim_message
from cairkan.claims.models import Claim, DocumentUpload
from cairkan.web.members import member_account


def _out(upload: DocumentUpload, status: int = 200) -> JsonResponse:
    return JsonResponse(upload_summary(upload), status=status)


def _refuse(code: str, params: dict[str, Any] | None = None, status: int = 400) -> JsonResponse:
    body = {"code": code, "message": claim_message(code, params), "details": params or {}}
    return JsonResponse(body, status=status)


def _status_of(error: UploadError) -> int:
    return {"offset_mismatch": 409, "file_too_large": 413}.get(error.code, 400)


@never_cache
def upload_open(request: HttpRequest) -> JsonResponse:
    account: MemberAccount | None = member_account(request)
    if account is None:
        return _refuse("not_logged_in", status=403)
    if request.method != "POST":
        return _refuse("method", status=405)
    try:
        size = int(request.POST.get("size", ""))
    except ValueError:
        return _refuse("file_empty")
    claim = None
    if request.POST.get("claim"):
        try:
            claim_id = uuid.UUID(request.POST["claim"])
        except ValueError:
            return _refuse("claim_unknown")
        claim = Claim.objects.filter(public_id=claim_id, participant=account.participant).first()
        if claim is None:
            return _refuse("claim_unknown")
    try:
        upload = upload_start(
            kind=request.POST.get("kind", ""),
            filename=request.POST.get("filename", ""),
            size=size,
            claim=claim,
            draft=None if claim else draft_for(participant=account.participant),
        )
    except UploadError as exc:
        return _refuse(exc.code, dict(exc.params), _status_of(exc))
    return _out(upload, 201)


@never_cache
def upload_bytes(request: HttpRequest, upload_id: uuid.UUID) -> JsonResponse:
    """GET: where to resume. POST: the next bytes at ``Upload-Offset``."""
    account = member_account(request)
    if account is None:
        return _refuse("not_logged_in", status=403)
    mine = Q(draft__participant=account.participant) | Q(claim__participant=account.participant)
    upload = DocumentUpload.objects.filter(mine, public_id=upload_id).first()
    if upload is None:
        return _refuse("upload_unknown", status=404)
    if request.method == "GET":
        return _out(upload)
    if request.method != "POST":
        return _refuse("method", status=405)
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
        upload = upload_append(upload=upload, offset=offset, chunk=request.body)
    except ValueError:
        return _refuse("offset_mismatch", {"expected": upload.received}, 409)
    except RequestDataTooBig:  # over DATA_UPLOAD_MAX_MEMORY_SIZE: Django will not read it
        return _refuse("chunk_size", status=413)
    except UploadError as exc:
        return _refuse(exc.code, dict(exc.params), _status_of(exc))
    return _out(upload)
