"""What a member gets when a page is missing, breaks or is refused (issue 14.9): an
Indonesian page with a way back, the same with DEBUG on or off, never Django's debug
pages. Under /api/ the answer is the API's problem body ({code, message, field,
details}), built here as plain JSON because the web and the API are sibling layers.

The pages render without the request's context processors: a 500 may come from the
database itself, so nothing here may need the session or the user.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def _answer(
    request: HttpRequest, status: int, code: str, title: str, explanation: str
) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        body: dict[str, Any] = {"code": code, "message": explanation, "field": None, "details": {}}
        return JsonResponse(body, status=status)
    html = render_to_string(
        "web/errors/page.html", {"title": title, "explanation": explanation, "status": status}
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(
        request,
        400,
        "bad_request",
        _("This request could not be understood"),
        _("Open Cairkan again from its address or from the home screen."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(
        request,
        403,
        "forbidden",
        _("This page is not for your account"),
        _("Log in with the account the page belongs to, or go back to the start."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(
        request,
        404,
        "not_found",
        _("This page does not exist"),
        _("There is nothing at this address."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(
        request,
        500,
        "server_error",
        _("Something went wrong on our side"),
        _("Something went wrong on our side. Try again in a few minutes."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page too old for the current login (or with cookies cleared):
    nothing was saved; the member opens the page again and sends it once more."""
    return _answer(
        request,
        403,
        "form_expired",
        _("This form has expired"),
        _("Nothing was saved. Open the page again, fill it in and send it once more."),
    )
