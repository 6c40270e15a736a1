"""Issue 9 H3 through the API: an account whose face is not yet enrolled against the
registry photo may have been made by a stranger who knows the member's identity data, so
it reads and writes no member data — balance, draft, uploads, claims, slots — and gets a
403 ``face_not_enrolled`` problem instead. Logging in, its tokens, the face step itself
and the public eligibility rules stay open to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from cairkan.accounts.messages import MESSAGES
from cairkan.api.endpoints import api as cairkan_api
from cairkan.claims import documents
from cairkan.claims.drafts import draft_for
from cairkan.claims.models import Claim, ClaimDraft, ClaimEvent, DocumentUpload
from cairkan.claims.services import ClaimRequest, claim_submit, claim_transition
from cairkan.members.models import Participant
from claim_steps import upload_documents  # type: ignore[import-not-found]
from test_api import (  # type: ignore[import-not-found]
    api,  # noqa: F401  (a fixture)
    enrol_face,
    rina,  # noqa: F401  (a fixture)
    unenrolled_api,  # noqa: F401  (a fixture)
)
from test_claims import RINA_CLAIM, member  # type: ignore[import-not-found]

pytestmark = pytest.mark.django_db

SCHEMA = cairkan_api.get_openapi_schema()
# Open to an unenrolled account: logging in and its tokens ("auth"), the face step that
# enrols and checks the face ("face"), the public rules ("guidance", no token at all).
OPEN_TAGS = {"auth", "face", "guidance"}
OPERATIONS = [
    (method.upper(), path, operation)
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
]
MEMBER_DATA = sorted(
    (method, path)
    for method, path, operation in OPERATIONS
    if operation.get("security") and not OPEN_TAGS & set(operation.get("tags", []))
)

CLAIM_BODY = {**RINA_CLAIM, "separation_date": None}
# A request each member-data route would act on, were the gate not there.
REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/me/balance"): {},
    ("GET", "/api/draft"): {},
    ("PUT", "/api/draft/{step}"): {"data": {"answers": {"reason": "termination"}, "version": 1}},
    ("POST", "/api/uploads"): {"data": {"kind": "ektp", "filename": "ektp.jpg", "size": 1000}},
    ("GET", "/api/uploads/{upload_id}"): {},
    ("PATCH", "/api/uploads/{upload_id}"): {
        "data": b"\xff\xd8" + b"\0" * 998,
        "content_type": "application/octet-stream",
        "HTTP_UPLOAD_OFFSET": "0",
    },
    ("POST", "/api/claims"): {"data": CLAIM_BODY, "HTTP_IDEMPOTENCY_KEY": "squatter-1"},
    ("GET", "/api/claims/{claim_id}"): {},
    ("POST", "/api/claims/{claim_id}/uploads"): {
        "data": {"kind": "bank_account", "filename": "bank.jpg", "size": 1000}
    },
    ("POST", "/api/claims/{claim_id}/correction"): {
        "data": {"bank_code": "002", "account_number": "005201000019001"}
    },
    ("GET", "/api/slots"): {},
}


@pytest.fixture
def rinas_own(rina: Participant, settings: Any, tmp_path: Path) -> dict[str, str]:  # noqa: F811
    """What the real Rina has already: a claim an officer sent back for another bank
    account, and a document upload in progress on her draft — the ids a squatter's
    requests name."""
    settings.MEDIA_ROOT = tmp_path
    upload_documents(member(rina.nik), RINA_CLAIM["reason"])
    claim = claim_submit(participant=rina, request=ClaimRequest(**CLAIM_BODY), idempotency_key="k")
    claim_transition(
        claim=claim, to_status="needs_fix", actor="officer", correction_fields=["bank"]
    )
    upload = documents.upload_start(
        draft=draft_for(participant=rina), kind="ektp", filename="ektp.jpg", size=1000
    )
    return {"step": "reason", "upload_id": str(upload.public_id), "claim_id": str(claim.public_id)}


def _send(client: Client, method: str, path: str, ids: dict[str, str]) -> Any:
    url = path.format(**ids)
    request = dict(REQUESTS[(method, path)])
    data = request.pop("data", None)
    content_type = request.pop("content_type", "application/json")
    if data is None:
        return client.generic(method, url, **request)
    return getattr(client, method.lower())(url, data, content_type=content_type, **request)


def _member_data() -> list[Any]:
    """Everything of Rina's a request could read into being or change."""
    return [
        list(ClaimDraft.objects.values_list("pk", "version", "step", "data").order_by("pk")),
        list(DocumentUpload.objects.values_list("pk", "state", "received").order_by("pk")),
        list(Claim.objects.values_list("pk", "status", "account_number").order_by("pk")),
        ClaimEvent.objects.count(),
    ]


def test_every_member_data_route_is_listed_here() -> None:
    """A new route that carries member data is gated (it is not tagged as open) and needs
    its request here; this fails if one is missed either way."""
    assert set(MEMBER_DATA) == set(REQUESTS)


@pytest.mark.parametrize(("method", "path"), MEMBER_DATA)
def test_an_unenrolled_account_reads_and_writes_no_member_data(
    unenrolled_api: Client,  # noqa: F811
    rinas_own: dict[str, str],
    method: str,
    path: str,
) -> None:
    before = _member_data()
    response = _send(unenrolled_api, method, path, rinas_own)
    assert response.status_code == 403, response.content
    problem = response.json()
    assert (problem["code"], problem["field"]) == ("face_not_enrolled", None)
    assert problem["message"] == str(MESSAGES["face_not_enrolled"])
    assert problem["message"].startswith("Rekam wajah Anda dulu")  # Indonesian first
    assert "KPJ" not in response.content.decode().replace(problem["message"], "")
    assert _member_data() == before


@pytest.mark.parametrize(("method", "path"), MEMBER_DATA)
def test_the_same_request_passes_the_gate_once_the_face_is_enrolled(
    unenrolled_api: Client,  # noqa: F811
    rina: Participant,  # noqa: F811
    rinas_own: dict[str, str],
    method: str,
    path: str,
) -> None:
    enrol_face(rina)
    response = _send(unenrolled_api, method, path, rinas_own)
    assert response.status_code != 403, response.content
    assert "face_not_enrolled" not in response.content.decode()


def test_an_unenrolled_account_keeps_its_tokens_and_face_step(
    unenrolled_api: Client,  # noqa: F811
) -> None:
    assert unenrolled_api.get("/api/tokens").status_code == 200
    face = unenrolled_api.post("/api/face/challenges")  # the face step says what it lacks
    assert (face.status_code, face.json()["code"]) == (409, "not_enrolled")
    assert unenrolled_api.post("/api/auth/logout").status_code == 204


def test_the_document_lists_the_403_on_exactly_the_gated_routes() -> None:
    refusing = sorted(
        (method, path) for method, path, operation in OPERATIONS if "403" in operation["responses"]
    )
    assert refusing == MEMBER_DATA
    for method, path, operation in OPERATIONS:
        if (method, path) in MEMBER_DATA:
            answer = operation["responses"]["403"]
            assert "face" in answer["description"] and "Problem" in str(answer)
            assert operation["security"] == [{"TokenAuth": [], "DeviceId": []}]
