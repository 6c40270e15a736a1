"""How each error becomes a problem body: django-ninja's own refusals and the domain's
exceptions, with the status a client can act on."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from cairkan.accounts.messages import is_throttled, message_for
from cairkan.accounts.services import AccountError
from cairkan.api.core import MAX_JSON_DEPTH, JsonTooDeep, _problem, api
from cairkan.claims import documents, drafts
from cairkan.claims.messages import claim_message
from cairkan.claims.services import ClaimError
from cairkan.jht import InvalidCase

logger = logging.getLogger(__name__)

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
    "timezone_aware": gettext_lazy("Write the time as YYYY-MM-DDTHH:MM with its time zone."),
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
            _(
                "Log in first and send the token as the header Authorization: Bearer <token>, "
                "and this device's id as the header X-Device-Id."
            ),
        )
    if exc.status_code == 400 and isinstance(exc.__cause__, JsonTooDeep):
        message = _("The request body nests lists or objects more than %(depth)s levels deep.")
        return _problem(
            request,
            400,
            "body_too_deep",
            message % {"depth": MAX_JSON_DEPTH},
            details={"max_depth": MAX_JSON_DEPTH},
        )
    if exc.status_code == 400:
        return _problem(request, 400, "body_not_json", _("The request body is not valid JSON."))
    return _problem(request, exc.status_code, "request_refused", str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE (else a 500)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.path.startswith("/api/uploads/"):  # a chunk: its own, smaller limit
        limit = documents.MAX_CHUNK
        message = claim_message("chunk_size", {"limit": limit})
        return _problem(request, 413, "chunk_size", message, details={"limit": limit})
    message = _("The request is too large: send at most %(limit)s bytes.") % {"limit": limit}
    return _problem(request, 413, "body_too_large", message, details={"limit": limit})


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


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: the traceback goes to the log, the client gets a problem body and never the
    traceback, with DEBUG on too (django-ninja's default answers one in plain text)."""
    logger.error("api_unexpected_error path=%s", request.path, exc_info=exc)
    return _problem(
        request,
        500,
        "server_error",
        _("Something went wrong on our side. Try again in a few minutes."),
    )
