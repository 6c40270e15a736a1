"""A wrong HTTP method on the API gets the API's problem body, not django-ninja's
plain-text "Method not allowed"."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class WrongMethodProblem:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith("/api/"):
            return response
        allowed = response.get("Allow", "")
        body = {
            "code": "method_not_allowed",
            "message": _("This address takes only: %(allowed)s.") % {"allowed": allowed},
            "field": None,
            "details": {"allowed": [m.strip() for m in allowed.split(",") if m.strip()]},
        }
        problem = HttpResponse(json.dumps(body), status=405, content_type="application/json")
        problem["Allow"] = allowed
        return problem
