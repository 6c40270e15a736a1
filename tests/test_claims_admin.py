"""Officers move claims only through audited actions in the back office."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from cairkan.claims.models import Claim, ClaimEvent
from cairkan.claims.services import ClaimRequest, claim_submit
from cairkan.members.models import Participant
from claim_steps import face_check_passed, upload_documents

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Makassar"))


@pytest.fixture
def claim() -> Claim:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))
    rina = Participant.objects.get(nik="6308056108979001")
    face_check_passed(rina, at=NOW)
    upload_documents(rina, "resignation")
    return claim_submit(
        participant=rina,
        request=ClaimRequest(
            reason="resignation",
            separation_date=date(2026, 10, 9),
            bank_code="002",
            account_number="005201000019001",
        ),
        idempotency_key="k",
        now=NOW,
    )


@pytest.fixture
def officer_client() -> tuple[Client, object]:
    officer = get_user_model().objects.create_superuser("petugas", password="x")
    client = Client()
    client.force_login(officer)
    return client, officer


def test_an_officer_approves_and_the_event_names_them(claim, officer_client) -> None:
    client, officer = officer_client
    page = client.get(f"/admin/claims/claim/{claim.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        "/admin/claims/claim/", {"action": "move_to_approved", "_selected_action": [claim.pk]}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "approved"
    event = ClaimEvent.objects.filter(claim=claim).last()
    assert (event.to_status, event.actor, event.acting_user) == ("approved", "officer", officer)


def test_a_move_that_is_not_allowed_is_reported_not_done(claim, officer_client) -> None:
    client, _ = officer_client
    client.post(
        "/admin/claims/claim/", {"action": "move_to_approved", "_selected_action": [claim.pk]}
    )
    response = client.post(
        "/admin/claims/claim/",
        {"action": "move_to_needs_fix", "_selected_action": [claim.pk]},
        follow=True,
    )
    assert "transition_not_allowed" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_claims_cannot_be_added_or_deleted_in_the_admin(claim, officer_client) -> None:
    client, _ = officer_client
    assert client.get("/admin/claims/claim/add/").status_code == 403
    assert client.get(f"/admin/claims/claim/{claim.pk}/delete/").status_code == 403


def test_an_officer_asks_for_named_documents_or_another_account(claim, officer_client) -> None:
    client, officer = officer_client
    client.post(
        "/admin/claims/claim/", {"action": "move_to_needs_fix", "_selected_action": [claim.pk]}
    )
    claim.refresh_from_db()
    assert claim.status == "needs_fix"
    assert claim.correction_fields == [f"document:{code}" for code in claim.documents_required]
    assert claim.events.last().acting_user == officer


def test_officers_see_published_capacity_and_appointments(officer_client) -> None:
    client, _ = officer_client
    assert client.get("/admin/claims/appointmentcapacity/").status_code == 200
    assert client.get("/admin/claims/appointment/").status_code == 200
    assert client.get("/admin/claims/appointment/add/").status_code == 403
