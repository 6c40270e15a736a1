"""Officers move claims only through audited actions in the back office, and each move
needs its own permission: holding a role, never being a superuser."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from cairkan.claims.models import Claim, ClaimEvent
from cairkan.claims.services import ClaimRequest, claim_submit
from cairkan.members.models import Participant
from claim_steps import face_check_passed, upload_documents
from staff_users import logged_in, staff_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Makassar"))
CHANGELIST = "/admin/claims/claim/"
# Every action of the claim list and the permission that allows it.
ACTIONS = {
    "move_to_in_review": "claims.assess_claim",
    "move_to_approved": "claims.approve_claim",
    "move_to_rejected": "claims.reject_claim",
    "move_to_needs_fix": "claims.request_correction",
    "move_to_needs_fix_bank": "claims.request_correction",
}


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


def act(client: Client, action: str, claim: Claim, **kwargs: object):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [claim.pk]}, **kwargs)


def test_a_view_only_officer_reads_claims_and_moves_none(claim) -> None:
    client = logged_in(staff_user("lihat", "claims.view_claim"))
    assert client.get(f"/admin/claims/claim/{claim.pk}/change/").status_code == 200
    listing = client.get(CHANGELIST).content.decode()
    for action in ACTIONS:
        assert f'value="{action}"' not in listing  # not offered …
        act(client, action, claim)  # … and refused when posted anyway
        claim.refresh_from_db()
        assert claim.status == "submitted", action
    assert list(claim.events.values_list("to_status", flat=True)) == ["submitted"]


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_move_needs_its_own_permission(claim, action: str) -> None:
    others = {perm for name, perm in ACTIONS.items() if perm != ACTIONS[action]}
    without = logged_in(staff_user("tanpa", "claims.view_claim", *others))
    act(without, action, claim)
    claim.refresh_from_db()
    assert claim.status == "submitted"
    officer = staff_user("dengan", "claims.view_claim", ACTIONS[action])
    act(logged_in(officer), action, claim)
    claim.refresh_from_db()
    assert claim.status != "submitted"
    assert claim.events.last().acting_user == officer


def test_a_supervisor_approves_and_the_event_names_them(claim) -> None:
    supervisor = staff_user("penyelia", role="Penyelia")
    client = logged_in(supervisor)
    assert client.get(f"/admin/claims/claim/{claim.pk}/change/").status_code == 200
    assert act(client, "move_to_approved", claim).status_code == 302
    claim.refresh_from_db()
    assert claim.status == "approved"
    event = ClaimEvent.objects.filter(claim=claim).last()
    assert (event.to_status, event.actor, event.acting_user) == ("approved", "officer", supervisor)


def test_a_verifier_approves_only_below_the_four_eyes_limit(claim, settings) -> None:
    client = logged_in(staff_user("verifikator", role="Verifikator"))
    settings.CAIRKAN_FOUR_EYES_ABOVE = claim.gross - 1
    act(client, "move_to_approved", claim)
    claim.refresh_from_db()
    assert claim.status == "submitted"  # above it: two approvals in the back office
    settings.CAIRKAN_FOUR_EYES_ABOVE = claim.gross
    act(client, "move_to_approved", claim)
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_a_verifier_assesses_and_asks_for_corrections(claim) -> None:
    client = logged_in(staff_user("verifikator", role="Verifikator"))
    act(client, "move_to_in_review", claim)
    act(client, "move_to_needs_fix_bank", claim)
    claim.refresh_from_db()
    assert (claim.status, claim.correction_fields) == ("needs_fix", ["bank"])


@pytest.mark.parametrize("role", ["Petugas loket", "Auditor"])
def test_counter_officers_and_auditors_move_no_claim(claim, role: str) -> None:
    client = logged_in(staff_user("staf", role=role))
    assert client.get(f"/admin/claims/claim/{claim.pk}/change/").status_code == 200
    for action in ACTIONS:
        act(client, action, claim)
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_a_move_that_is_not_allowed_is_reported_not_done(claim) -> None:
    client = logged_in(staff_user("penyelia", role="Penyelia"))
    act(client, "move_to_approved", claim)
    response = act(client, "move_to_needs_fix", claim, follow=True)
    assert "transition_not_allowed" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_claims_cannot_be_added_or_deleted_in_the_admin(claim) -> None:
    client = logged_in(
        staff_user("penuh", "claims.view_claim", "claims.add_claim", "claims.delete_claim")
    )
    assert client.get("/admin/claims/claim/add/").status_code == 403
    assert client.get(f"/admin/claims/claim/{claim.pk}/delete/").status_code == 403


def test_an_officer_asks_for_named_documents_or_another_account(claim) -> None:
    officer = staff_user("verifikator", role="Verifikator")
    act(logged_in(officer), "move_to_needs_fix", claim)
    claim.refresh_from_db()
    assert claim.status == "needs_fix"
    assert claim.correction_fields == [f"document:{code}" for code in claim.documents_required]
    assert claim.events.last().acting_user == officer


def test_officers_see_published_capacity_and_appointments() -> None:
    client = logged_in(staff_user("loket", role="Petugas loket"))
    assert client.get("/admin/claims/appointmentcapacity/").status_code == 200
    assert client.get("/admin/claims/appointment/").status_code == 200
    assert client.get("/admin/claims/appointment/add/").status_code == 403
    assert client.get("/admin/claims/appointmentcapacity/add/").status_code == 403
    supervisor = logged_in(staff_user("penyelia", role="Penyelia"))
    assert supervisor.get("/admin/claims/appointmentcapacity/add/").status_code == 200
