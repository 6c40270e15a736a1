"""Input at the edges of what the API can hold is a 4xx problem naming what is wrong, never
a 500 (issue 9 L1–L3, issue 10 item 5)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from cairkan.accounts.models import MemberAccount
from cairkan.claims.drafts import draft_for
from cairkan.claims.messages import claim_message
from cairkan.members.models import Participant
from test_api import api, rina  # type: ignore[import-not-found]  # noqa: F401
from test_claims import RINA_CLAIM  # type: ignore[import-not-found]

pytestmark = pytest.mark.django_db

CASE: dict[str, Any] = {
    "as_of": "2026-11-23",
    "reason": "resignation",
    "birth_date": "1997-08-21",
    "retirement_age": None,
    "membership_start": "2023-09-01",
    "membership_active": False,
    "separation_date": "2026-09-01",
    "balance": 7_500_000,
    "has_npwp": False,
    "prior_payouts": [],
}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] and body["message"] and body["message"] != body["code"]
    return dict(body)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"balance": 2**63}, "balance"),
        ({"balance": 10**18}, "balance"),
        ({"separation_date": "9999-12-31"}, "separation_date"),
        (
            {"prior_payouts": [{"date": "2025-01-02", "reason": "partial_10", "gross": 2**63}]},
            "prior_payouts[0].gross",
        ),
    ],
    ids=["balance-2^63", "balance-10^18", "separation-9999", "payout-2^63"],
)
def test_eligibility_out_of_range_is_a_422_naming_the_field(
    client: Client, change: dict[str, Any], field: str
) -> None:
    response = client.post("/api/eligibility", {**CASE, **change}, content_type="application/json")
    problem = _problem(response, 422)
    assert (problem["code"], problem["field"]) == ("out_of_range", field)


def test_eligibility_still_decides_a_large_real_balance(client: Client) -> None:
    response = client.post(
        "/api/eligibility",
        {**CASE, "balance": 2_000_000_000_000, "has_npwp": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/eligibility", _nested(5000)),
        ("post", "/api/eligibility", '{"a": ' * 5000 + "1" + "}" * 5000),
        ("put", "/api/draft/data", '{"answers": {"x": ' + _nested(5000) + '}, "version": 1}'),
        ("put", "/api/draft/data", '{"answers": {"x": ' + _nested(200) + '}, "version": 1}'),
        ("post", "/api/uploads", '{"kind": ' + _nested(100_000) + "}"),
    ],
    ids=["list-5000", "object-5000", "draft-5000", "draft-200", "upload-100000"],
)
def test_json_nested_too_deep_is_a_400(api: Client, method: str, url: str, body: str) -> None:  # noqa: F811
    response = getattr(api, method)(url, body, content_type="application/json")
    problem = _problem(response, 400)
    assert problem["code"] == "body_too_deep"


def test_ordinary_nesting_is_accepted(api: Client, rina: Participant) -> None:  # noqa: F811
    version = draft_for(participant=rina).version
    body = {"answers": {"reason": "resignation", "note": [[{"a": [1]}]]}, "version": version}
    response = api.put("/api/draft/reason", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content


def test_a_chunk_larger_than_a_request_may_be_is_a_413(api: Client, settings: Any) -> None:  # noqa: F811
    """RequestDataTooBig: Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    upload = api.post(
        "/api/uploads",
        {"kind": "ektp", "filename": "ektp.jpg", "size": 5_000_000},
        content_type="application/json",
    ).json()
    chunk = b"\xff" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 500_000)
    response = api.patch(
        f"/api/uploads/{upload['id']}",
        chunk,
        content_type="application/octet-stream",
        HTTP_UPLOAD_OFFSET="0",
    )
    problem = _problem(response, 413)
    assert problem["code"] == "chunk_size"
    assert api.get(f"/api/uploads/{upload['id']}").json()["received"] == 0


def test_a_json_body_larger_than_a_request_may_be_is_a_413(api: Client, settings: Any) -> None:  # noqa: F811
    body = json.dumps({"answers": {"note": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}})
    response = api.put("/api/draft/data", body, content_type="application/json")
    assert _problem(response, 413)["code"] == "body_too_large"


def test_a_naive_appointment_time_is_a_422(api: Client) -> None:  # noqa: F811
    """Issue 10 item 5: a time without its zone could not be compared with the slots: 500."""
    body = {
        **RINA_CLAIM,
        "separation_date": None,
        "appointment_kind": "video",
        "appointment_at": "2026-12-01T09:00:00",
    }
    response = api.post(
        "/api/claims", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="naive-1"
    )
    problem = _problem(response, 422)
    assert (problem["code"], problem["field"]) == ("invalid_input", "appointment_at")


def test_the_wizards_upload_refuses_a_too_large_chunk_with_a_413(
    rina: Participant,  # noqa: F811
    settings: Any,
) -> None:
    """The web upload (web/uploads.py) had the same RequestDataTooBig 500 as the API."""
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(MemberAccount.objects.get(participant=rina).user)
    opened = client.post(
        "/klaim/unggah/", {"kind": "ektp", "filename": "ektp.jpg", "size": "5000000"}
    )
    assert opened.status_code == 201, opened.content
    chunk = b"\xff" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 500_000)
    response = client.post(
        f"/klaim/unggah/{opened.json()['id']}/",
        chunk,
        content_type="application/octet-stream",
        HTTP_UPLOAD_OFFSET="0",
    )
    assert response.status_code == 413, response.content
    body = response.json()
    assert body["code"] == "chunk_size"
    with translation.override("id"):
        assert body["message"] == claim_message("chunk_size", {})
