"""Endpoints. Errors are ``{"code", "message", "field"}`` with a 4xx status, never a 500."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Body, File, Form, NinjaAPI, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from cairkan.accounts import services as accounts
from cairkan.accounts.clients import client_address
from cairkan.accounts.messages import is_throttled, message_for
from cairkan.accounts.models import MemberAccount
from cairkan.accounts.selectors import verified_participant
from cairkan.accounts.services import AccountError
from cairkan.api.auth import TokenAuth, issue_token
from cairkan.biometrics.frames import count_frames, frame_parts
from cairkan.biometrics.messages import COACHING as FACE_COACHING
from cairkan.biometrics.messages import ERRORS as FACE_ERRORS
from cairkan.biometrics.messages import LOCKED as FACE_LOCKED
from cairkan.biometrics.messages import OUTCOMES as FACE_OUTCOMES
from cairkan.biometrics.messages import STEPS as FACE_STEPS
from cairkan.biometrics.models import Purpose
from cairkan.biometrics.policy import policy as face_policy
from cairkan.biometrics.services import (
    ChallengeInvalid,
    FaceError,
    FaceStepLocked,
    Prompt,
    answer_check,
    challenge_issue,
    challenge_prompt,
    face_status,
    frames_count_check,
    prompt_answer,
    verification_submit,
)
from cairkan.claims import appointments, documents, drafts
from cairkan.claims.messages import claim_message
from cairkan.claims.models import Claim, DocumentUpload
from cairkan.claims.services import (
    ClaimError,
    ClaimRequest,
    HelperInfo,
    claim_correct,
    claim_submit,
    stage_of,
    step_save,
)
from cairkan.jht import InvalidCase, decide, parse_case
from cairkan.members.balances import participant_balance

api = NinjaAPI(
    title="Cairkan API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    description="JHT claims for native apps. Messages are in Bahasa Indonesia.",
)
auth = TokenAuth()


class Problem(Schema):
    code: str
    message: str
    field: str | None = None
    details: dict[str, Any] = {}


def _problem(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    details: dict[str, Any] | None = None,
) -> HttpResponse:
    body = {"code": code, "message": message, "field": field, "details": details or {}}
    return api.create_response(request, body, status=status)


# pydantic's error types in words a member's app can show (pydantic's own are English).
INPUT_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Write text here."),
    "int_type": gettext_lazy("Write a whole number."),
    "int_parsing": gettext_lazy("Write a whole number."),
    "int_from_float": gettext_lazy("Write a whole number."),
    "bool_type": gettext_lazy("Answer true or false."),
    "bool_parsing": gettext_lazy("Answer true or false."),
    "date_type": gettext_lazy("Write the date as YYYY-MM-DD."),
    "date_parsing": gettext_lazy("Write the date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Write the date as YYYY-MM-DD."),
    "date_from_datetime_inexact": gettext_lazy("Write the date as YYYY-MM-DD."),
    "datetime_type": gettext_lazy("Write the time as YYYY-MM-DDTHH:MM with its time zone."),
    "datetime_parsing": gettext_lazy("Write the time as YYYY-MM-DDTHH:MM with its time zone."),
    "datetime_from_date_parsing": gettext_lazy(
        "Write the time as YYYY-MM-DDTHH:MM with its time zone."
    ),
    "dict_type": gettext_lazy("Send an object ({...}) here."),
    "model_type": gettext_lazy("Send an object ({...}) here."),
    "model_attributes_type": gettext_lazy("Send an object ({...}) here."),
    "list_type": gettext_lazy("Send a list ([...]) here."),
}


# The parts of pydantic's error location that say where a value came from, not which.
WHERE_NOT_WHAT = ("body", "payload", "file", "form", "query", "path", "header", "cookie")


def _input_message(error: dict[str, Any]) -> str:
    if error.get("type") == "text_invalid":  # our own check, already in words
        return str(error.get("msg", ""))
    return str(INPUT_MESSAGES.get(str(error.get("type")), gettext_lazy("This value is not valid.")))


@api.exception_handler(HttpError)
def _refused_by_framework(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """What django-ninja refuses before our code runs, as a problem with a message."""
    if exc.status_code == 401:
        return _problem(
            request,
            401,
            "token_missing",
            _("Log in first and send the token as the header Authorization: Bearer <token>."),
        )
    if exc.status_code == 400:
        return _problem(request, 400, "body_not_json", _("The request body is not valid JSON."))
    return _problem(request, exc.status_code, "request_refused", str(exc))


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", []) if part not in WHERE_NOT_WHAT]
    return _problem(
        request,
        422,
        "invalid_input",
        _input_message(first),
        ".".join(location) or None,
        {"errors": exc.errors},
    )


@api.exception_handler(AccountError)
def _account_error(request: HttpRequest, exc: AccountError) -> HttpResponse:
    status = 429 if is_throttled(exc) else 403 if exc.code == "face_not_enrolled" else 400
    details = {"until": exc.params["until"].isoformat()} if "until" in exc.params else {}
    return _problem(request, status, exc.code, message_for(exc), details=details)


@api.exception_handler(ClaimError)
def _claim_error(request: HttpRequest, exc: ClaimError) -> HttpResponse:
    status = 409 if exc.code in ("claim_in_progress", "slot_unavailable") else 400
    params = {k: v for k, v in exc.params.items() if isinstance(v, (str, int, list, tuple))}
    return _problem(request, status, exc.code, claim_message(exc.code, exc.params), details=params)


@api.exception_handler(drafts.DraftError)
def _draft_error(request: HttpRequest, exc: drafts.DraftError) -> HttpResponse:
    return _problem(request, 400, exc.code, claim_message(exc.code, exc.params), exc.field)


@api.exception_handler(documents.UploadError)
def _upload_error(request: HttpRequest, exc: documents.UploadError) -> HttpResponse:
    status = 409 if exc.code == "offset_mismatch" else 413 if exc.code == "file_too_large" else 400
    return _problem(
        request, status, exc.code, claim_message(exc.code, exc.params), details=dict(exc.params)
    )


@api.exception_handler(InvalidCase)
def _invalid_case(request: HttpRequest, exc: InvalidCase) -> HttpResponse:
    first = exc.errors[0]
    return _problem(
        request,
        400,
        "invalid_case",
        first.message,
        first.field,
        {"errors": [{"field": e.field, "message": e.message} for e in exc.errors]},
    )


def _storable(value: Any) -> Any:
    """Refuse text no database keeps: PostgreSQL takes no NUL, and none takes half of a
    UTF-16 surrogate pair, which JSON can spell as ``\\ud800``. Else a 500 on saving."""
    if isinstance(value, str):
        if "\x00" in value or not _encodes(value):
            raise PydanticCustomError(
                "text_invalid", _("This text has a character that cannot be saved. Type it again.")
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    elif isinstance(value, list):
        for item in value:
            _storable(item)
    return value


def _encodes(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


class In(Schema):
    """A request body: its text, however deep, is text the database can keep."""

    @field_validator("*")
    @classmethod
    def _text_is_storable(cls, value: Any) -> Any:
        return _storable(value)


# --- authentication ---------------------------------------------------------------------


class LoginIn(In):
    identifier: str
    password: str
    device_id: str


class ConfirmIn(LoginIn):
    code: str


class TokenOut(Schema):
    token: str | None = None
    code_sent_to: str | None = None


@api.post("/auth/login", response={200: TokenOut, 202: TokenOut}, tags=["auth"])
def login(request: HttpRequest, payload: LoginIn) -> Status[dict[str, Any]]:
    """A token, or (for a new device) 202 and where the confirmation code went."""
    result = accounts.login(
        identifier=payload.identifier,
        password=payload.password,
        client=client_address(request),
        device_id=payload.device_id,
    )
    if result.device_confirmed:
        return Status(200, {"token": issue_token(result.account, payload.device_id)})
    return Status(202, {"code_sent_to": result.code_sent_to})


@api.post("/auth/confirm", response=TokenOut, tags=["auth"])
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
    return {"token": issue_token(result.account, payload.device_id)}


# --- balance and eligibility -------------------------------------------------------------


class BalanceOut(Schema):
    balance: int
    as_of: date
    kpj: list[str]


@api.get("/me/balance", response=BalanceOut, auth=auth, tags=["member"])
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


@api.post("/eligibility", tags=["guidance"])
def eligibility(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    """The rules on a case, no login needed (the `cairkan rules decide` contract)."""
    return decide(parse_case(payload)).as_json()


# --- drafts and uploads -------------------------------------------------------------------


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


@api.get("/draft", response=DraftOut, auth=auth, tags=["claim"])
def draft_get(request: HttpRequest) -> dict[str, Any]:
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    return _draft_out(drafts.draft_for(participant=account.participant))


@api.put("/draft/{step}", response={200: DraftOut, 409: DraftOut}, auth=auth, tags=["claim"])
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


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _upload(account: MemberAccount, upload_id: str) -> DocumentUpload:
    if _uuid(upload_id) is None:
        raise documents.UploadError("upload_unknown")
    mine = Q(draft__participant=account.participant) | Q(claim__participant=account.participant)
    upload = DocumentUpload.objects.filter(mine, public_id=upload_id).first()
    if upload is None:
        raise documents.UploadError("upload_unknown")
    return upload


@api.post("/uploads", response={201: UploadOut}, auth=auth, tags=["claim"])
def upload_create(request: HttpRequest, payload: UploadIn) -> Status[dict[str, Any]]:
    account: MemberAccount = request.auth  # type: ignore[attr-defined]
    draft = drafts.draft_for(participant=account.participant)
    upload = documents.upload_start(
        draft=draft, kind=payload.kind, filename=payload.filename, size=payload.size
    )
    return Status(201, _upload_out(upload))


@api.get("/uploads/{upload_id}", response=UploadOut, auth=auth, tags=["claim"])
def upload_status(request: HttpRequest, upload_id: str) -> dict[str, Any]:
    """Where to resume: ``received`` bytes are safe on the server."""
    return _upload_out(_upload(request.auth, upload_id))  # type: ignore[attr-defined]


@api.patch("/uploads/{upload_id}", response=UploadOut, auth=auth, tags=["claim"])
def upload_chunk(request: HttpRequest, upload_id: str) -> dict[str, Any]:
    """The request body is the next bytes; header ``Upload-Offset`` says where they go."""
    upload = _upload(request.auth, upload_id)  # type: ignore[attr-defined]
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
    except ValueError:
        raise documents.UploadError("offset_mismatch", expected=upload.received) from None
    return _upload_out(documents.upload_append(upload=upload, offset=offset, chunk=request.body))


# --- claims -------------------------------------------------------------------------------


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
    appointment_at: datetime | None = None
    helper: HelperIn | None = None


class EventOut(Schema):
    status: str
    at: str
    reason: str


class AppointmentOut(Schema):
    kind: str
    starts_at: datetime


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
    events: list[EventOut]


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
        "correction_fields": claim.correction_fields,
        "rejection_code": claim.rejection_code,
        "appointment": claim.appointments.filter(state="booked")
        .values("kind", "starts_at")
        .first(),
        "events": [
            {"status": e.to_status, "at": e.at.isoformat(), "reason": e.reason}
            for e in claim.events.all()
        ],
    }


@api.post("/claims", response={200: ClaimOut, 201: ClaimOut}, auth=auth, tags=["claim"])
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


@api.get("/claims/{claim_id}", response=ClaimOut, auth=auth, tags=["claim"])
def claim_status(request: HttpRequest, claim_id: str) -> dict[str, Any]:
    return _claim_out(_own_claim(request.auth, claim_id))  # type: ignore[attr-defined]


@api.post("/claims/{claim_id}/uploads", response={201: UploadOut}, auth=auth, tags=["claim"])
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


@api.post("/claims/{claim_id}/correction", response=ClaimOut, auth=auth, tags=["claim"])
def claim_correction(request: HttpRequest, claim_id: str, payload: CorrectionIn) -> dict[str, Any]:
    """Send back what the officer asked for: documents uploaded again and/or another
    bank account. Repeating it after it went through returns the claim unchanged."""
    claim = _own_claim(request.auth, claim_id)  # type: ignore[attr-defined]
    return _claim_out(claim_correct(claim=claim, **payload.dict()))


class SlotOut(Schema):
    kind: str
    starts_at: datetime
    seats_left: int


@api.get("/slots", response=list[SlotOut], auth=auth, tags=["claim"])
def slots(request: HttpRequest, kind: str = "video") -> list[dict[str, Any]]:
    """Free video-call (``video``) or branch (``branch``) appointments from the officers'
    published capacity, for claims on the assisted channels."""
    try:
        free = appointments.free_slots(kind=kind)
    except appointments.AppointmentError as exc:
        raise ClaimError(exc.code) from None
    return [{"kind": s.kind, "starts_at": s.starts_at, "seats_left": s.seats_left} for s in free]


# --- the claim's face check ---------------------------------------------------------------

MAX_FRAME = 8 * 1024 * 1024  # one phone-camera photo


class PromptOut(Schema):
    """What to film now. Send its frames with ``step`` = ``index`` and its ``nonce``, at
    least a second after receiving it; the next prompt comes in the answer."""

    index: int
    count: int
    code: str
    text: str
    nonce: str
    last: bool


class ChallengeOut(Schema):
    id: str
    prompt: PromptOut
    expires_at: datetime
    failures_left: int


class NextPromptOut(Schema):
    outcome: str  # "next"
    prompt: PromptOut


def _counting_frames(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Count the frames as the body is parsed, keeping none past the limit (issue 9 M4)."""

    def counted(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        count_frames(request)
        return run(request, *args, **kwargs)

    return counted


def _prompt_out(prompt: Prompt) -> dict[str, Any]:
    return {
        "index": prompt.index,
        "count": prompt.count,
        "code": prompt.code,
        "text": str(FACE_STEPS.get(prompt.code, prompt.code)),
        "nonce": prompt.nonce,
        "last": prompt.last,
    }


class VerdictOut(Schema):
    outcome: str
    counted: bool
    failures_left: int
    locked: bool
    message: str
    coaching: list[str]


def _face_problem(request: HttpRequest, code: str, status: int = 409) -> HttpResponse:
    if code == "face_locked":
        message = str(FACE_LOCKED) % {"count": face_policy().max_failures}
    else:
        message = str(FACE_ERRORS.get(code, FACE_ERRORS["invalid_capture"]))
    return _problem(request, status, code, message)


@api.post("/face/challenges", response={201: ChallengeOut, 409: Problem}, auth=auth, tags=["face"])
def face_challenge(request: HttpRequest) -> Status[dict[str, Any]] | HttpResponse:
    """A single-use liveness challenge for the claim's face check, valid two minutes. It
    starts with its first prompt (look straight at the camera); each movement after it
    is revealed only when the frames of the prompt before arrive."""
    participant = request.auth.participant  # type: ignore[attr-defined]
    if not hasattr(participant, "face_enrolment"):
        return _face_problem(request, "not_enrolled")
    try:
        challenge = challenge_issue(participant=participant, purpose=Purpose.CLAIM)
    except FaceStepLocked:
        return _face_problem(request, "face_locked")
    return Status(
        201,
        {
            "id": str(challenge.pk),
            "prompt": _prompt_out(challenge_prompt(challenge=challenge)),
            "expires_at": challenge.expires_at,
            "failures_left": face_status(participant=participant).failures_left,
        },
    )


@api.post(
    "/face/verifications",
    response={200: VerdictOut, 202: NextPromptOut, 400: Problem, 409: Problem},
    auth=auth,
    tags=["face"],
)
@decorate_view(_counting_frames)
def face_verify(
    request: HttpRequest,
    challenge_id: Form[str],
    step: Form[int],
    nonce: Form[str],
    frames: File[list[UploadedFile]],
) -> dict[str, Any] | Status[dict[str, Any]] | HttpResponse:
    """Answer one prompt of the challenge (multipart ``frames``: 1 to 4 taken after the
    prompt was shown, with its ``step`` index and ``nonce``). Until the last prompt the
    answer is 202 with the next one; the last prompt's frames bring the verdict. Frames
    must show the prompt's own movement and no other: a capture made without reading the
    prompts fails. A dark or blurry capture is a ``retake`` and never counts; three
    counted failures lock the face step. A passed check lets the member file a claim for
    15 minutes. The challenge and lock are checked before any frame is read."""
    participant = request.auth.participant  # type: ignore[attr-defined]
    answer: dict[str, Any] = {"challenge_id": challenge_id, "index": step, "nonce": nonce}
    try:
        _challenge, prompt, _resent = answer_check(participant=participant, **answer)
        frames_count_check(frame_parts(request))
        if any((frame.size or 0) > MAX_FRAME for frame in frames):
            return _face_problem(request, "too_large", 400)
        data = [frame.read() for frame in frames]
        if not prompt.last:
            following = prompt_answer(participant=participant, frames=data, **answer)
            return Status(202, {"outcome": "next", "prompt": _prompt_out(following)})
        verdict = verification_submit(participant=participant, frames=data, **answer)
    except FaceStepLocked:
        return _face_problem(request, "face_locked")
    except ChallengeInvalid as exc:
        return _face_problem(request, exc.code)
    except FaceError as exc:
        code = exc.code if exc.code in FACE_ERRORS else "invalid_capture"
        return _face_problem(request, code, 409 if code == "not_enrolled" else 400)
    coaching = [str(FACE_COACHING[c]) for c in verdict.quality if c in FACE_COACHING]
    if verdict.liveness_reason in FACE_COACHING:
        coaching.append(str(FACE_COACHING[verdict.liveness_reason]))
    return {
        "outcome": verdict.outcome,
        "counted": verdict.counted,
        "failures_left": verdict.failures_left,
        "locked": verdict.locked,
        "message": str(FACE_OUTCOMES.get(verdict.outcome, "")),
        "coaching": coaching,
    }
