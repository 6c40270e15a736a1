"""API bearer tokens (issue 9, H2): tied to the device they were issued to, with an expiry
the member sees, revoked by logout, by recovery and by a password change, and checked
without a database write on every request."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cairkan.accounts import services as accounts
from cairkan.accounts.models import KnownDevice, MemberAccount
from cairkan.accounts.services import device_hash
from cairkan.api.models import ApiToken
from cairkan.api.services import token_issue
from cairkan.biometrics.models import FaceEnrolment
from cairkan.members.models import Participant
from sent_messages import last_code as code_sent_to
from test_api import PASSWORD, PHONE, api, rina  # type: ignore[import-not-found]  # noqa: F401

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Sungai-Martapura-Biru-58"


@pytest.fixture(autouse=True)
def enrolled(rina: Participant) -> None:  # noqa: F811
    """Rina's face is enrolled: an unenrolled account reads nothing (tested elsewhere)."""
    FaceEnrolment.objects.get_or_create(
        participant=rina,
        defaults={"embedding": np.zeros(128).tobytes(), "registry_distance": 0.3},
    )


def _log_in(device: str, password: str = PASSWORD, *, known: bool = False) -> dict[str, Any]:
    """Log in from ``device``, confirming it with the code when it is new. ``known``: the
    member confirmed it earlier (a second code within a minute is another slice's issue)."""
    if known:
        account = MemberAccount.objects.get(phone=PHONE)
        KnownDevice.objects.get_or_create(account=account, device_hash=device_hash(device))
    client = Client()
    login = {"identifier": PHONE, "password": password, "device_id": device}
    first = client.post("/api/auth/login", login, content_type="application/json")
    if first.status_code == 200:
        return dict(first.json())
    assert first.status_code == 202, first.content
    confirmed = client.post(
        "/api/auth/confirm", {**login, "code": code_sent_to(PHONE)}, content_type="application/json"
    )
    assert confirmed.status_code == 200, confirmed.content
    return dict(confirmed.json())


def _as(token: str, device: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_DEVICE_ID=device)


def test_login_says_when_the_token_expires(rina: Participant) -> None:  # noqa: F811
    body = _log_in("app-1")
    left = datetime.fromisoformat(body["expires_at"]) - timezone.now()
    assert timedelta(days=29) < left <= timedelta(days=30)
    again = _log_in("app-1")  # a known device gets its token at once, with its expiry
    assert again["token"] != body["token"] and again["expires_at"]


def test_the_member_lists_their_tokens_with_expiry(api: Client) -> None:  # noqa: F811
    other = _log_in("tablet", known=True)
    listed = api.get("/api/tokens")
    assert listed.status_code == 200, listed.content
    tokens = listed.json()
    assert len(tokens) == 2
    assert [t["current"] for t in tokens].count(True) == 1
    mine = next(t for t in tokens if t["current"])
    assert mine["expires_at"] and mine["created_at"]
    assert other["token"] not in str(tokens)  # only ids, never a token itself


def test_a_token_works_only_from_its_own_device(api: Client) -> None:  # noqa: F811
    assert api.get("/api/me/balance").status_code == 200
    stolen = api.get("/api/me/balance", HTTP_X_DEVICE_ID="attackers-laptop")
    assert stolen.status_code == 401 and stolen.json()["code"] == "token_missing"
    token = api.defaults["HTTP_AUTHORIZATION"]
    without = Client(HTTP_AUTHORIZATION=token).get("/api/me/balance")
    assert without.status_code == 401 and "X-Device-Id" in without.json()["message"]


def test_logout_revokes_the_token(api: Client) -> None:  # noqa: F811
    out = api.post("/api/auth/logout")
    assert out.status_code == 204, out.content
    assert api.get("/api/me/balance").status_code == 401
    assert api.get("/api/draft").status_code == 401


def test_a_token_of_another_device_is_revoked_by_its_id(api: Client) -> None:  # noqa: F811
    tablet = _log_in("tablet", known=True)
    tablet_id = next(t["id"] for t in api.get("/api/tokens").json() if not t["current"])
    assert api.delete(f"/api/tokens/{tablet_id}").status_code == 204
    assert _as(tablet["token"], "tablet").get("/api/me/balance").status_code == 401
    assert api.get("/api/me/balance").status_code == 200
    unknown = api.delete(f"/api/tokens/{tablet_id}")
    assert unknown.status_code == 404 and unknown.json()["code"] == "token_unknown"


def test_nobody_revokes_another_members_token(api: Client) -> None:  # noqa: F811
    participant = Participant.objects.filter(account__isnull=True).first()
    assert participant is not None
    user = get_user_model().objects.create_user(username="stranger")
    stranger = MemberAccount.objects.create(
        user=user, participant=participant, phone="+6281299990000"
    )
    theirs = token_issue(account=stranger, device_id="their-phone").token
    record = ApiToken.objects.get(account=stranger)
    response = api.delete(f"/api/tokens/{record.public_id}")
    assert response.status_code == 404
    assert _as(theirs, "their-phone").get("/api/tokens").status_code == 200  # still valid


def test_recovery_revokes_every_token(api: Client, rina: Participant) -> None:  # noqa: F811
    """H2: after recovery with a new password the old token still read balance and draft."""
    tablet = _log_in("tablet", known=True)
    account = MemberAccount.objects.get(participant=rina)
    accounts.recovery_complete(
        account=account, face_passed_at=timezone.now(), password=NEW_PASSWORD
    )
    assert api.get("/api/me/balance").status_code == 401
    assert api.get("/api/draft").status_code == 401
    assert _as(tablet["token"], "tablet").get("/api/me/balance").status_code == 401


def test_a_password_change_revokes_every_token_and_gives_a_new_one(
    api: Client,  # noqa: F811
) -> None:
    tablet = _log_in("tablet", known=True)
    wrong = api.post(
        "/api/auth/password",
        {"password": "bukan-ini", "new_password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "password_wrong"
    assert api.get("/api/me/balance").status_code == 200
    changed = api.post(
        "/api/auth/password",
        {"password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert api.get("/api/me/balance").status_code == 401
    assert _as(tablet["token"], "tablet").get("/api/me/balance").status_code == 401
    fresh = _as(changed.json()["token"], "app-1")
    assert fresh.get("/api/me/balance").status_code == 200
    assert changed.json()["expires_at"]
    assert _log_in("app-1", NEW_PASSWORD)["token"]


def test_a_weak_new_password_is_refused_and_changes_nothing(api: Client) -> None:  # noqa: F811
    weak = api.post(
        "/api/auth/password",
        {"password": PASSWORD, "new_password": "123"},
        content_type="application/json",
    )
    assert weak.status_code == 400 and weak.json()["code"] == "password_weak"
    assert weak.json()["field"] == "new_password"
    assert api.get("/api/me/balance").status_code == 200


def test_guessing_the_current_password_is_limited(api: Client) -> None:  # noqa: F811
    """A stolen token (on a stolen phone) must not become a password oracle."""
    wrong = {"password": "bukan-ini", "new_password": NEW_PASSWORD}
    for _ in range(5):
        response = api.post("/api/auth/password", wrong, content_type="application/json")
        assert response.status_code == 400
    right = {"password": PASSWORD, "new_password": NEW_PASSWORD}
    limited = api.post("/api/auth/password", right, content_type="application/json")
    assert limited.status_code == 429 and limited.json()["details"]["until"]
    assert api.get("/api/me/balance").status_code == 200  # nothing changed


def test_the_password_service_revokes_tokens(rina: Participant) -> None:  # noqa: F811
    account = MemberAccount.objects.get(participant=rina)
    token_issue(account=account, device_id="a")
    token_issue(account=account, device_id="b")
    accounts.account_change_password(account=account, password=PASSWORD, new_password=NEW_PASSWORD)
    assert not ApiToken.objects.filter(account=account).exists()
    account.user.refresh_from_db()
    assert account.user.check_password(NEW_PASSWORD)


def _writes(queries: list[dict[str, Any]]) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(verbs)]


def test_checking_a_token_writes_nothing(api: Client) -> None:  # noqa: F811
    """Each API call updated the token's last use: a database write per read."""
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=5))
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert api.get("/api/me/balance").status_code == 200
    assert _writes(queries.captured_queries) == []


def test_the_last_use_is_kept_to_the_hour(api: Client) -> None:  # noqa: F811
    long_ago = timezone.now() - timedelta(hours=2)
    ApiToken.objects.update(last_used_at=long_ago)
    assert api.get("/api/me/balance").status_code == 200
    last = ApiToken.objects.get().last_used_at
    assert last is not None and last > timezone.now() - timedelta(minutes=1)


def test_an_expired_token_is_refused(api: Client) -> None:  # noqa: F811
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("/api/me/balance").status_code == 401
