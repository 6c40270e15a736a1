"""The JSON API end to end with Django's test client: token, balance, eligibility,
drafts, resumable uploads, idempotent submission, status — and every bad input a 4xx."""

from __future__ import annotations

import io
from datetime import date, timedelta

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from cairkan.accounts import services as accounts
from cairkan.biometrics.models import FaceEnrolment
from cairkan.claims.models import Claim
from cairkan.members.models import Membership, Participant
from claim_steps import face_check_passed
from sent_messages import last_code as code_sent_to

pytestmark = pytest.mark.django_db
PHONE = "+6281234500001"
PASSWORD = "Padi-Kuning-Amuntai-77"
RINA = {
    "nik": "6308056108979001",
    "kpj": "23000000101",
    "full_name": "Rina Maulida",
    "birth_date": date(1997, 8, 21),
    "mother_maiden_name": "Siti Rahmah",
}


@pytest.fixture
def rina() -> Participant:
    call_command("seed_demo", members=12, seed=1, as_of=timezone.localdate())
    registration = accounts.registration_start(**RINA)
    accounts.registration_send_code(registration=registration, channel="sms", destination=PHONE)
    accounts.registration_verify_code(
        registration=registration, channel="sms", code=code_sent_to(PHONE)
    )
    accounts.registration_set_password(registration=registration, password=PASSWORD)
    return Participant.objects.get(nik=RINA["nik"])


def enrol_face(participant: Participant) -> None:
    """The member's face as enrolled against the registry photo: until then the account
    may be a stranger's, and the API gives it no member data (issue 9 H3)."""
    FaceEnrolment.objects.get_or_create(
        participant=participant,
        defaults={"embedding": np.zeros(128).tobytes(), "registry_distance": 0.3},
    )


def logged_in(client: Client) -> Client:
    """``client`` as Rina's app: logged in, its device confirmed, its token sent."""
    login = {"identifier": PHONE, "password": PASSWORD, "device_id": "app-1"}
    first = client.post("/api/auth/login", login, content_type="application/json")
    assert first.status_code == 202 and first.json()["code_sent_to"] == "+62812••••0001"
    token = client.post(
        "/api/auth/confirm", {**login, "code": code_sent_to(PHONE)}, content_type="application/json"
    ).json()["token"]
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    client.defaults["HTTP_X_DEVICE_ID"] = "app-1"  # a token works only from its device
    return client


@pytest.fixture
def unenrolled_api(client: Client, rina: Participant) -> Client:
    """Rina logged in through the API, her face not enrolled yet."""
    return logged_in(client)


@pytest.fixture
def api(client: Client, rina: Participant) -> Client:
    """Rina logged in through the API, her face enrolled: she reads and files her own."""
    enrol_face(rina)
    return logged_in(client)


def test_api_docs_load_nothing_from_outside(client: Client) -> None:
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "https://" not in html and "http://" not in html


def test_openapi_document_is_served(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert {"/api/claims", "/api/draft/{step}", "/api/uploads", "/api/uploads/{upload_id}"} <= set(
        schema["paths"]
    )
    assert client.get("/api/docs").status_code == 200


def test_balance_needs_a_token_and_an_enrolled_face(
    unenrolled_api: Client, rina: Participant
) -> None:
    assert Client().get("/api/me/balance").status_code == 401
    assert unenrolled_api.get("/api/me/balance").status_code == 403  # issue 9 H3
    enrol_face(rina)
    body = unenrolled_api.get("/api/me/balance").json()
    assert body["kpj"] == ["23000000101"] and body["balance"] > 1_000_000


def test_eligibility_without_login(client: Client) -> None:
    case = {
        "as_of": "2026-11-23",
        "reason": "resignation",
        "birth_date": "1997-08-21",
        "retirement_age": None,
        "membership_start": "2023-09-01",
        "membership_active": False,
        "separation_date": "2026-11-01",
        "balance": 7_500_000,
        "has_npwp": False,
        "prior_payouts": [],
    }
    answer = client.post("/api/eligibility", case, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["refusals"] == ["waiting_period"]
    bad = client.post(
        "/api/eligibility", {**case, "balance": "banyak"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert (bad.json()["code"], bad.json()["field"]) == ("invalid_case", "balance")


def test_a_claim_through_the_api(api: Client, rina: Participant, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    draft = api.get("/api/draft").json()
    saved = api.put(
        "/api/draft/reason",
        {"answers": {"reason": "resignation"}, "version": draft["version"]},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["step"] == "data"
    stale = api.put(
        "/api/draft/reason",
        {"answers": {"reason": "termination"}, "version": draft["version"]},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["data"]["reason"]["reason"] == "resignation"

    rng = np.random.default_rng(2)
    out = io.BytesIO()
    Image.fromarray(rng.integers(200, 256, (1400, 1000, 3), dtype=np.uint8)).save(out, "JPEG")
    data = out.getvalue()
    upload = api.post(
        "/api/uploads",
        {"kind": "resignation_statement", "filename": "surat.jpg", "size": len(data)},
        content_type="application/json",
    ).json()
    url = f"/api/uploads/{upload['id']}"
    api.patch(url, data[:100_000], content_type="application/octet-stream", HTTP_UPLOAD_OFFSET="0")
    wrong = api.patch(
        url, data[:100_000], content_type="application/octet-stream", HTTP_UPLOAD_OFFSET="0"
    )
    assert wrong.status_code == 409 and wrong.json()["details"]["expected"] == 100_000
    assert api.get(url).json()["received"] == 100_000
    done = api.patch(
        url, data[100_000:], content_type="application/octet-stream", HTTP_UPLOAD_OFFSET="100000"
    )
    assert done.json()["state"] == "complete"
    for kind in ("ektp", "kpj_card", "bank_account"):
        other = api.post(
            "/api/uploads",
            {"kind": kind, "filename": f"{kind}.jpg", "size": len(data)},
            content_type="application/json",
        ).json()
        whole = api.patch(
            f"/api/uploads/{other['id']}",
            data,
            content_type="application/octet-stream",
            HTTP_UPLOAD_OFFSET="0",
        )
        assert whole.json()["state"] == "complete"

    face_check_passed(rina)
    # The employer's reported date, which the demo sets relative to today: a date typed
    # here would drift against timezone.localdate() and disagree with the employer's.
    reported = Membership.objects.get(kpj=RINA["kpj"]).separation_date
    assert reported is not None
    body = {
        "reason": "resignation",
        "separation_date": reported.isoformat(),
        "bank_code": "002",
        "account_number": "005201000019001",
    }
    first = api.post(
        "/api/claims", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="tap-1"
    )
    again = api.post(
        "/api/claims", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="tap-1"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Claim.objects.count() == 1
    status = api.get(f"/api/claims/{first.json()['id']}").json()
    assert (status["stage"], status["stage_name"], status["channel"]) == (1, "Agenda Klaim", "app")
    other = api.post(
        "/api/claims", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="tap-2"
    )
    assert other.status_code == 409 and other.json()["code"] == "claim_in_progress"


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "code", "field"),
    [
        (
            "put",
            "/api/draft/reason",
            {"answers": {"reason": "x"}, "version": 1},
            400,
            "reason_unknown",
            "reason",
        ),
        ("put", "/api/draft/reason", {"answers": {}}, 422, "invalid_input", "version"),
        (
            "put",
            "/api/draft/bank",
            {"answers": {"bank_code": "002", "account_number": "1"}, "version": 1},
            400,
            "account_number_length",
            "account_number",
        ),
        (
            "post",
            "/api/uploads",
            {"kind": "ektp", "filename": "a.jpg", "size": 9_000_000},
            413,
            "file_too_large",
            None,
        ),
        (
            "post",
            "/api/uploads",
            {"kind": "ektp", "filename": "a.jpg"},
            422,
            "invalid_input",
            "size",
        ),
        (
            "post",
            "/api/claims",
            {"reason": "resignation", "bank_code": "002", "account_number": "005201000019001"},
            400,
            "idempotency_key_invalid",
            None,
        ),
        ("post", "/api/claims", {"reason": "resignation"}, 422, "invalid_input", "bank_code"),
        (
            "get",
            "/api/uploads/00000000-0000-0000-0000-000000000000",
            None,
            400,
            "upload_unknown",
            None,
        ),
        ("get", "/api/claims/not-a-claim", None, 400, "claim_unknown", None),
    ],
)
def test_bad_input_is_a_specific_4xx(api: Client, method, url, body, status, code, field) -> None:
    kwargs = {"content_type": "application/json"} if body is not None else {}
    response = (
        getattr(api, method)(url, body, **kwargs) if body is not None else getattr(api, method)(url)
    )
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["field"] == field
    assert response.json()["message"]


def test_wrong_password_and_throttling_are_4xx(client: Client, rina: Participant) -> None:
    login = {"identifier": PHONE, "password": "salah", "device_id": "d"}
    for _ in range(5):
        assert (
            client.post("/api/auth/login", login, content_type="application/json").status_code
            == 400
        )
    limited = client.post("/api/auth/login", login, content_type="application/json")
    assert limited.status_code == 429
    assert "pukul" in limited.json()["message"] and limited.json()["details"]["until"]


def test_a_helper_given_to_the_api_is_checked_like_the_wizards(api: Client) -> None:
    body = {
        "reason": "resignation",
        "bank_code": "002",
        "account_number": "005201000019001",
        "helper": {"name": "Ahmad Fauzi", "relation": "boss", "phone": "0813 4455 6677"},
    }
    response = api.post(
        "/api/claims", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="h-1"
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "helper_relation_unknown",
        "relation",
    )


def test_the_api_refuses_a_separation_date_other_than_the_employers(
    api: Client, rina: Participant
) -> None:
    face_check_passed(rina)
    reported = rina.memberships.get().separation_date
    body = {
        "reason": "resignation",
        "separation_date": (reported - timedelta(days=90)).isoformat(),
        "bank_code": "002",
        "account_number": "005201000019001",
    }
    response = api.post(
        "/api/claims", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="early-1"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "separation_date_reported"
    assert response.json()["details"] == {"reported": reported.isoformat()}
    assert not Claim.objects.exists()
