"""The API against its own OpenAPI document, property-based (schemathesis on hypothesis).

Every operation gets generated requests, valid ones and deliberately wrong ones (wrong
types, missing fields, out-of-range values, wrong methods), sent in-process through the
WSGI app, as a logged-in member and as a stranger. Every one of schemathesis' checks is
on: the answer is never a 5xx, its status is one the document lists (errors included),
its body and headers are the documented ones, wrong input is refused, a missing token is
a 401; and every 4xx names what went wrong: JSON with a non-empty ``code`` and a human
``message``. Deterministic (derandomized) and small enough for every test tier.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as BUILT_IN_CHECKS
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.specs.openapi.checks import negative_data_rejection

from cairkan.accounts.models import MemberAccount
from cairkan.api.services import token_issue
from cairkan.biometrics.models import FaceEnrolment
from cairkan.claims import documents
from cairkan.claims.drafts import draft_for
from cairkan.claims.services import ClaimRequest, claim_submit, claim_transition
from cairkan.members.models import Participant
from claim_steps import upload_documents  # type: ignore[import-not-found]
from test_api import PHONE, rina  # type: ignore[import-not-found]  # noqa: F401  (a fixture)
from test_claims import RINA_CLAIM, member  # type: ignore[import-not-found]

pytestmark = pytest.mark.django_db

EXAMPLES = 20  # per operation and phase; the whole file stays well under a minute

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    deterministic=True,
    database="none",
    # The member's token is sent as it is; schemathesis need not invent or break one.
    with_security_parameters=False,
    # Text fields say (pattern) that NUL and lone surrogates are not text the database can
    # keep; the generator's "valid" strings would still carry NUL. Refusing them is
    # tested below (test_text_the_database_cannot_keep_is_a_named_4xx).
    allow_x00=False,
)
# Valid-looking input may still be refused by the rules, with a problem naming the code:
# a wrong password (400), a document kind the reason does not need (400), a claim already
# in progress (409), a file over 6 MB (413). The schema cannot say those, so they count
# as accepted answers here; a 422 (the schema's own constraints) still does not.
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=["2xx", "400", "401", "404", "409", "413", "429"]
)
hypothesis_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # One member and one transaction per operation, shared by its examples on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _documented_otherwise(case: schemathesis.Case[Any], status: int) -> bool:
    """Whether the document gives this answer a body of its own, not a problem (the stale
    draft's 409 is the current draft)."""
    response = case.operation.definition.raw.get("responses", {}).get(str(status))
    return response is not None and "Problem" not in json.dumps(response)


def every_4xx_says_what_is_wrong(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """A 4xx is JSON with a non-empty ``code`` and a human ``message`` (not the code again).
    A 4xx documented with a body of its own (the stale draft's 409) is checked against it."""
    status = response.status_code
    if not 400 <= status < 500 or _documented_otherwise(case, status):
        return None
    try:
        body = response.json()
    except ValueError as exc:
        raise AssertionError(f"{status} without a JSON body: {response.text!r}") from exc
    assert isinstance(body, dict), f"{status}: the body is not an object: {body!r}"
    code, message = body.get("code"), body.get("message")
    assert isinstance(code, str) and code, f"{status} without a code: {body!r}"
    assert isinstance(message, str) and message.strip(), f"{status} {code} without a message"
    assert message != code, f"{status} {code}: the message is only the code again"
    return True


# Every built-in check (status codes, bodies, headers, content types, wrong input refused,
# valid input accepted, missing headers, ignored auth, wrong methods) and ours.
CHECKS = [*BUILT_IN_CHECKS.get_all(), every_4xx_says_what_is_wrong]


def _secured(case: schemathesis.Case[Any]) -> bool:
    return bool(case.operation.definition.raw.get("security"))


@pytest.fixture(autouse=True)
def _requests_keep_the_test_transaction() -> Iterator[None]:
    """The WSGI handler closes the database connection around each request, which would
    end the test's transaction; Django's own test client unhooks the same two signals."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


DEVICE = "schemathesis"


def _member(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Device-Id": DEVICE}


@pytest.fixture
def token(rina: Participant) -> str:  # noqa: F811
    """A token of Rina's, her face enrolled (an unenrolled account reads nothing)."""
    FaceEnrolment.objects.get_or_create(
        participant=rina,
        defaults={"embedding": np.zeros(128).tobytes(), "registry_distance": 0.3},
    )
    account = MemberAccount.objects.get(participant=rina)
    return token_issue(account=account, device_id=DEVICE).token


@pytest.fixture
def member_client(token: str) -> Client:
    return Client(
        HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_DEVICE_ID=DEVICE, HTTP_IDEMPOTENCY_KEY="tap-1"
    )


@schema.parametrize()
@hypothesis_settings
def test_every_operation_takes_any_input_without_a_5xx(
    case: schemathesis.Case[Any], token: str
) -> None:
    """Public operations are called as a stranger would, the others as Rina. Generated
    wrong input (negative mode) must be refused with a 4xx."""
    headers = _member(token) if _secured(case) else {}
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@hypothesis_settings
def test_every_operation_as_a_stranger(case: schemathesis.Case[Any], rina: Participant) -> None:  # noqa: F811
    """No token at all: the secured operations answer their documented 401, the public
    ones as above."""
    case.call_and_validate(checks=CHECKS)


@pytest.fixture
def real_ids(rina: Participant, settings: Any, tmp_path: Path) -> dict[str, str]:  # noqa: F811
    """Rina's upload in progress and a claim of hers that an officer sent back for another
    bank account, so the operations on ``{upload_id}`` and ``{claim_id}`` get past
    "unknown" and into their real work."""
    settings.MEDIA_ROOT = tmp_path
    upload_documents(member(rina.nik), RINA_CLAIM["reason"])  # and a passed face check
    claim = claim_submit(
        participant=rina,
        request=ClaimRequest(**{**RINA_CLAIM, "separation_date": None}),
        idempotency_key="tap-1",
    )
    claim_transition(
        claim=claim, to_status="needs_fix", actor="officer", correction_fields=["bank"]
    )
    upload = documents.upload_start(
        draft=draft_for(participant=rina), kind="ektp", filename="ektp.jpg", size=200_000
    )
    return {"upload_id": str(upload.public_id), "claim_id": str(claim.public_id)}


@schema.include(path_regex=r"\{(upload_id|claim_id)\}").parametrize()
@hypothesis_settings
def test_operations_on_real_uploads_and_claims(
    case: schemathesis.Case[Any], token: str, real_ids: dict[str, str]
) -> None:
    """The same, on resources that exist. The path is always a real id here, so the check
    that wrong input is refused stays with the test above."""
    case.path_parameters = {
        name: real_ids.get(name, value) for name, value in (case.path_parameters or {}).items()
    }
    everything_but_refusal = [c for c in CHECKS if c is not negative_data_rejection]
    case.call_and_validate(headers=_member(token), checks=everything_but_refusal)


SECURED = [
    (method.upper(), path)
    for path, operations in schema.raw_schema["paths"].items()
    for method, operation in operations.items()
    if operation.get("security")
]


@pytest.mark.parametrize(("method", "path"), SECURED)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer not-a-token", "Basic cmluYTpwYWRp", "Bearer "]
)
def test_every_secured_operation_refuses_without_a_valid_token(
    client: Client, method: str, path: str, authorization: str | None
) -> None:
    url = path.replace("{step}", "reason").replace("{upload_id}", "0" * 32)
    url = url.replace("{claim_id}", "0" * 32).replace("{token_id}", "0" * 32)
    headers = {"Authorization": authorization} if authorization is not None else None
    response = client.generic(method, url, b"{}", content_type="application/json", headers=headers)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "token_missing" and response.json()["message"]


# Text the database cannot keep. Each was a 500 (PostgreSQL refuses NUL in text and in
# jsonb; no database takes half a UTF-16 surrogate pair, which JSON spells "\ud800").
BAD_TEXT = ["Rina\x00", "Rina\ud800"]


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        (
            "post",
            "/api/auth/login",
            {"identifier": "TEXT", "password": "x", "device_id": "d"},
            "identifier",
        ),
        (
            "post",
            "/api/auth/login",
            {"identifier": PHONE, "password": "x", "device_id": "TEXT"},
            "device_id",
        ),
        (
            "post",
            "/api/auth/confirm",
            {"identifier": PHONE, "password": "x", "device_id": "d", "code": "TEXT"},
            "code",
        ),
        ("post", "/api/uploads", {"kind": "ektp", "filename": "TEXT", "size": 10}, "filename"),
        ("put", "/api/draft/data", {"answers": {"note": "TEXT"}, "version": 1}, "answers"),
        ("put", "/api/draft/data", {"answers": {"TEXT": "x"}, "version": 1}, "answers"),
        (
            "put",
            "/api/draft/who",
            {
                "answers": {
                    "helper": True,
                    "name": "TEXT",
                    "relation": "spouse",
                    "phone": "081234567890",
                },
                "version": 1,
            },
            "answers",
        ),
        (
            "post",
            "/api/claims",
            {**RINA_CLAIM, "separation_date": None, "bank_code": "TEXT"},
            "bank_code",
        ),
        (
            "post",
            "/api/claims",
            {
                **RINA_CLAIM,
                "separation_date": None,
                "helper": {"name": "TEXT", "relation": "spouse", "phone": "081234567890"},
            },
            "helper.name",
        ),
    ],
    ids=[
        "login-identifier",
        "login-device",
        "confirm-code",
        "upload-filename",
        "draft-answer",
        "draft-answer-key",
        "draft-helper-name",
        "claim-bank",
        "claim-helper-name",
    ],
)
def test_text_the_database_cannot_keep_is_a_named_4xx(
    member_client: Client, method: str, url: str, body: dict[str, Any], field: str
) -> None:
    for text in BAD_TEXT:
        sent = json.loads(json.dumps(body).replace("TEXT", json.dumps(text)[1:-1]))
        response = getattr(member_client, method)(url, sent, content_type="application/json")
        assert response.status_code == 422, (text, response.content)
        problem = response.json()
        assert (problem["code"], problem["field"]) == ("invalid_input", field)
        assert problem["message"] and problem["message"] != problem["code"]


# --- what django-ninja refuses before Cairkan's code runs: problems with messages too ---


def _is_a_problem_with_a_message(response: Any) -> bool:
    if not response.headers["Content-Type"].startswith("application/json"):
        return False
    body = response.json()
    return bool(isinstance(body, dict) and body.get("code") and body.get("message"))


def test_a_missing_token_is_a_problem_with_a_message(client: Client) -> None:
    response = client.get("/api/me/balance")
    assert response.status_code == 401
    assert _is_a_problem_with_a_message(response), response.content


def test_a_body_that_is_not_json_is_a_problem_with_a_message(member_client: Client) -> None:
    response = member_client.post("/api/uploads", b"{", content_type="application/json")
    assert response.status_code == 400
    assert _is_a_problem_with_a_message(response), response.content


def test_a_wrong_method_is_a_problem_with_a_message(member_client: Client) -> None:
    response = member_client.delete("/api/me/balance")
    assert response.status_code == 405
    assert _is_a_problem_with_a_message(response), response.content
