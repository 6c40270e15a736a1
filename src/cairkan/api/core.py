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
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from cairkan.api.auth import EnrolledTokenAuth, TokenAuth

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


# What each error status means for a client, in the OpenAPI document. The body is always
# a ``Problem``; its ``code`` says which case it is.
ERROR_MEANINGS = {
    400: "Refused: the request cannot be done as it is (see code, message and field).",
    401: "No valid token for this device: log in (Authorization: Bearer, X-Device-Id).",
    403: (
        "The account's face is not yet enrolled against the registry photo (code "
        "face_not_enrolled): member data opens once it is. Logging in, tokens, the face "
        "step and eligibility stay open."
    ),
    404: "Not found among the member's own.",
    405: "This path does not take this method: the Allow header says which it takes.",
    409: "Conflicts with the current state (see code; details say what is current).",
    413: "Too large: the file, the chunk or the request body.",
    422: "Invalid input: a field is missing, of the wrong type or out of range (see field).",
    429: "Too many tries: details.until says when to try again.",
}


def problems(*statuses: int) -> dict[int, type[Problem]]:
    """Responses for an endpoint's own refusals; those every endpoint of its kind can
    give (401, malformed body, invalid input) are added to the document for all."""
    return dict.fromkeys(statuses, Problem)


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": ERROR_MEANINGS[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def document_problems(schema: dict[str, Any]) -> None:
    """Every operation lists the errors it can answer with, as ``Problem`` bodies: 405
    for a wrong method, 401 where a token is needed, 403 where member data also needs an
    enrolled face (``EnrolledTokenAuth``), 400/413/422 where there is a body
    (not JSON, too deep, too large, invalid), 422 where there are parameters. Tokens are
    bound to their device: the security requirement is the bearer token and the
    ``X-Device-Id`` header together."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).setdefault(
        "Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    schemes = components.setdefault("securitySchemes", {})
    schemes.pop("EnrolledTokenAuth", None)  # the same bearer token as TokenAuth
    schemes["DeviceId"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-Device-Id",
        "description": "The id of the device the token was issued to (sent at login).",
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            statuses = {405}  # answered by api.middleware.WrongMethodProblem
            if operation.get("security"):
                if {"EnrolledTokenAuth": []} in operation["security"]:
                    statuses.add(403)
                # One token for both checks: the client sends the same headers.
                operation["security"] = [{"TokenAuth": [], "DeviceId": []}]
                statuses.add(401)
            if operation.get("requestBody"):
                statuses |= {400, 413, 422}
            if operation.get("parameters"):
                statuses.add(422)
            # django-ninja keys responses by int; JSON has only strings: one kind of key.
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            for status in statuses:
                responses.setdefault(str(status), _problem_response(status))
            for code, response in responses.items():
                if int(code) in ERROR_MEANINGS and "Problem" in str(response):
                    response["description"] = ERROR_MEANINGS[int(code)]
            operation["responses"] = dict(sorted(responses.items()))


class CairkanAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Generated clients name their methods after these ids, minted when every
        endpoint lived in ``cairkan.api.endpoints``: the split into routers keeps them."""
        return f"cairkan_api_endpoints_{operation.view_func.__name__}"

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_problems(schema)
        return schema


api = CairkanAPI(
    parser=BoundedJsonParser(),
    title="Cairkan API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    description="JHT claims for native apps. Messages are in Bahasa Indonesia.",
)
# Any logged-in account: its tokens, logging out, the face step.
auth = TokenAuth()
# Member data (issue 9 H3): the routers of balance, draft, uploads and claims take it.
enrolled = EnrolledTokenAuth()


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


# What ``_storable`` refuses, said in the document for the text fields a body declares.
STORABLE_TEXT = r"^[^\u0000\ud800-\udfff]*$"


def _say_text_is_storable(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        for variant in [prop, *prop.get("anyOf", [])]:
            if variant.get("type") == "string" and "format" not in variant:
                variant.setdefault("pattern", STORABLE_TEXT)


class In(Schema):
    """A request body: its text, however deep, is text the database can keep."""

    model_config = ConfigDict(json_schema_extra=_say_text_is_storable)

    @field_validator("*")
    @classmethod
    def _text_is_storable(cls, value: Any) -> Any:
        return _storable(value)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
