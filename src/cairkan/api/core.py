"""The API itself: its django-ninja instance, the token check, the problem body every
error answers with, and the request-body base class. Endpoints live in ``routers/``, one
module per resource, mounted in ``endpoints.py``; error handlers in ``errors.py``."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.operation import Operation
from ninja.parser import Parser
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from cairkan.api.auth import TokenAuth

# No request of this API nests deeper than a few levels; 32 leaves room and stays far
# below Python's recursion limit, which deeply nested JSON otherwise reaches (a 500).
MAX_JSON_DEPTH = 32


class JsonTooDeep(Exception):
    pass


def nests_deeper_than(data: Any, limit: int) -> bool:
    """Whether decoded JSON nests lists/objects deeper than ``limit``: a walk without
    recursion that stops at the first container too deep, and never goes further down."""
    if not isinstance(data, (dict, list)):
        return False
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


class BoundedJsonParser(Parser):
    """The JSON parser, refusing nesting beyond ``MAX_JSON_DEPTH``. The C decoder itself
    takes ~100 000 levels in a few milliseconds; what is checked after it is the walk."""

    def parse_body(self, request: HttpRequest) -> Any:
        body = request.body
        try:
            data = json.loads(body)
        except RecursionError:
            raise JsonTooDeep from None
        few_brackets = body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH
        if not few_brackets and nests_deeper_than(data, MAX_JSON_DEPTH):
            raise JsonTooDeep
        return data


class CairkanAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Generated clients name their methods after these ids, minted when every
        endpoint lived in ``cairkan.api.endpoints``: the split into routers keeps them."""
        return f"cairkan_api_endpoints_{operation.view_func.__name__}"


api = CairkanAPI(
    parser=BoundedJsonParser(),
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


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
