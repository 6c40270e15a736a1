"""Every back-office page and action, per role: what each officer may and may not do,
and that nobody outside a branch reads its claims. Officers hold roles, never superuser."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from backoffice_staff import branches, officer, rina_claim, signed_in
from cairkan.biometrics.models import DeskCheck, FaceReview
from cairkan.claims.models import Claim
from face_desk_objects import borderline_review, open_check

pytestmark = pytest.mark.django_db

ROLES = ("Petugas loket", "Verifikator", "Penyelia", "Auditor")
# Pages (GET) and who may open them.
PAGES = {
    "queue": set(ROLES),
    "review": set(ROLES),
    "document": set(ROLES),
    "supervision": {"Penyelia", "Auditor"},
    "reconciliation": {"Penyelia", "Auditor"},
    "tax_report": {"Penyelia", "Auditor"},
    "counter": {"Petugas loket", "Verifikator", "Penyelia"},  # claims.file_on_behalf
    "day": set(ROLES),  # the officers' day (claims.view_appointment)
    "calendar": {"Penyelia"},  # publishing seats (claims.add_appointmentcapacity)
    # The face desk and the review band: verifiers (biometrics.unlock_face_step,
    # biometrics.decide_face_review); a counter officer and an auditor do not unlock.
    "face_desk": {"Verifikator", "Penyelia"},
    "face_check": {"Verifikator", "Penyelia"},
    "face_reviews": {"Verifikator", "Penyelia"},
    "face_review": {"Verifikator", "Penyelia"},
}
# Actions (POST) and who may take them.
ACTIONS = {
    "take": {"Verifikator", "Penyelia"},
    "release": {"Verifikator", "Penyelia"},
    # Below the four-eyes limit; above it a supervisor gives the second approval.
    "approve": {"Verifikator", "Penyelia"},
    "reject": {"Verifikator", "Penyelia"},
    "correction": {"Verifikator", "Penyelia"},
    "escalate": {"Verifikator", "Penyelia"},
    "face_check_start": {"Verifikator", "Penyelia"},
    "face_check_unlock": {"Verifikator", "Penyelia"},
    "face_check_refuse": {"Verifikator", "Penyelia"},
    "face_review_accept": {"Verifikator", "Penyelia"},
    "face_review_refuse": {"Verifikator", "Penyelia"},
}
FACE_STATE = {
    "face_check_unlock": lambda p: DeskCheck.objects.get(participant=p).status,
    "face_check_refuse": lambda p: DeskCheck.objects.get(participant=p).status,
    "face_review_accept": lambda p: FaceReview.objects.get(participant=p).status,
    "face_review_refuse": lambda p: FaceReview.objects.get(participant=p).status,
    "face_check_start": lambda p: DeskCheck.objects.filter(participant=p).count(),
}


@pytest.fixture
def claim() -> Claim:
    return rina_claim()


def _url(name: str, claim: Claim) -> str:
    if name in ("face_check", "face_check_unlock", "face_check_refuse"):
        return reverse(f"backoffice:{name}", args=[open_check(claim.participant).public_id])
    if name in ("face_review", "face_review_accept", "face_review_refuse"):
        review = FaceReview.objects.filter(participant=claim.participant).first()
        review = review or borderline_review(claim.participant)
        return reverse(f"backoffice:{name}", args=[review.public_id])
    if name in (
        "queue",
        "supervision",
        "reconciliation",
        "tax_report",
        "counter",
        "day",
        "calendar",
        "face_desk",
        "face_reviews",
        "face_check_start",
    ):
        return reverse(f"backoffice:{name}")
    if name == "document":
        return reverse("backoffice:document", args=[claim.documents.first().public_id])
    return reverse(f"backoffice:{name}", args=[claim.public_id])


def _post_data(name: str, claim: Claim) -> dict[str, object]:
    return {
        "reject": {"code": "documents_incomplete", "note": "Foto KTP buram."},
        "correction": {"items": ["document:ektp"], "note": "Foto KTP buram."},
        "escalate": {"note": "Tanggal berhenti perlu dicek."},
        "face_check_start": {"identifier": claim.participant.nik},
        "face_check_unlock": {"ektp_shown": "1", "live_face_compared": "1", "note": "Cek"},
        "face_check_refuse": {"reason": "no_show"},
        "face_review_refuse": {"reason": "face_differs"},
    }.get(name, {})


def test_nobody_signed_out_or_password_only_gets_in(claim) -> None:
    # One seeded claim for every URL: each request is refused, so none changes the next.
    amuntai, _other = branches()
    penyelia = officer("pw-only", "Penyelia", posted=amuntai)
    password_only = Client()
    password_only.force_login(penyelia)  # the admin's login: no second factor
    for name in [*PAGES, *ACTIONS]:
        for client in (Client(), password_only):
            method = client.post if name in ACTIONS else client.get
            response = method(_url(name, claim), _post_data(name, claim))
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("backoffice:login")), name
    claim.refresh_from_db()
    assert claim.status == "submitted"


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_opens_only_for_the_roles_that_may(claim, name: str) -> None:
    amuntai, _other = branches()
    for role in ROLES:  # reading changes nothing: one seeded claim serves every role
        client = signed_in(officer(f"o-{ROLES.index(role)}", role, posted=amuntai))
        response = client.get(_url(name, claim))
        assert response.status_code == (200 if role in PAGES[name] else 403), role


@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_is_refused_to_the_roles_that_may_not(claim, name: str) -> None:
    amuntai, _other = branches()
    for role in sorted(set(ROLES) - ACTIONS[name]):  # refused: nothing moves
        client = signed_in(officer(f"o-{ROLES.index(role)}", role, posted=amuntai))
        url = _url(name, claim)
        face_before = FACE_STATE[name](claim.participant) if name in FACE_STATE else None
        before = (claim.status, claim.events.count())
        response = client.post(url, _post_data(name, claim))
        claim.refresh_from_db()
        assert response.status_code == 403, role
        assert (claim.status, claim.events.count()) == before, role
        if name in FACE_STATE:
            assert FACE_STATE[name](claim.participant) == face_before, role


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, roles in ACTIONS.items() for role in sorted(roles)]
)
def test_each_action_is_taken_by_the_roles_that_may(claim, role: str, name: str) -> None:
    amuntai, _other = branches()
    client = signed_in(officer("o", role, posted=amuntai))
    response = client.post(_url(name, claim), _post_data(name, claim))
    assert response.status_code == 302


def test_an_auditor_cannot_approve_even_by_posting(claim) -> None:
    amuntai, _other = branches()
    client = signed_in(officer("audit", "Auditor", posted=amuntai))
    assert client.post(_url("approve", claim)).status_code == 403
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_a_verifier_approves_below_the_four_eyes_limit(claim, settings) -> None:
    settings.CAIRKAN_FOUR_EYES_ABOVE = claim.gross  # not above: one approval is enough
    amuntai, _other = branches()
    client = signed_in(officer("ver", "Verifikator", posted=amuntai))
    assert client.post(_url("approve", claim)).status_code == 302
    claim.refresh_from_db()
    assert claim.status == "approved"


@pytest.mark.parametrize("role", ["Petugas loket", "Auditor"])
def test_a_counter_officer_or_an_auditor_never_approves_even_below_the_limit(
    claim, settings, role: str
) -> None:
    settings.CAIRKAN_FOUR_EYES_ABOVE = claim.gross
    amuntai, _other = branches()
    client = signed_in(officer("o", role, posted=amuntai))
    assert client.post(_url("approve", claim)).status_code == 403
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_only_a_supervisor_may_give_the_second_approval_or_release_anothers_claim() -> None:
    from django.contrib.auth.models import Group

    def holds(role: str, dotted: str) -> bool:
        app_label, codename = dotted.split(".")
        return (
            Group.objects.get(name=role)
            .permissions.filter(content_type__app_label=app_label, codename=codename)
            .exists()
        )

    for dotted in ("backoffice.approve_above_limit", "backoffice.release_any_claim"):
        assert [role for role in ROLES if holds(role, dotted)] == ["Penyelia"], dotted


@pytest.mark.parametrize("role", ROLES)
def test_nobody_outside_the_branch_reads_or_moves_its_claims(claim, role: str) -> None:
    _amuntai, other = branches()
    client = signed_in(officer("luar", role, posted=other))
    if role != "Auditor":  # the auditor reads every branch (backoffice.view_all_branches)
        queue = client.get(_url("queue", claim)).content.decode()
        assert claim.participant.full_name not in queue
        assert client.get(_url("review", claim)).status_code == 404
        assert client.get(_url("document", claim)).status_code == 404
    for name in ACTIONS:
        url = _url(name, claim)
        face_before = FACE_STATE[name](claim.participant) if name in FACE_STATE else None
        response = client.post(url, _post_data(name, claim))
        if name == "face_check_start" and role in ACTIONS[name]:
            # A walk-in outside the officer's branches is not found: nothing starts.
            assert response.status_code == 302, name
        else:
            assert response.status_code in (403, 404), name
        if name in FACE_STATE:
            assert FACE_STATE[name](claim.participant) == face_before, name
    claim.refresh_from_db()
    assert claim.status == "submitted"
    assert claim.events.count() == 1


def test_an_officer_with_no_posting_sees_no_claim(claim) -> None:
    branches()
    client = signed_in(officer("baru", "Verifikator"))
    assert claim.participant.full_name not in client.get(_url("queue", claim)).content.decode()
    assert client.get(_url("review", claim)).status_code == 404


def test_the_right_to_all_branches_reads_every_claim(claim) -> None:
    _amuntai, other = branches()
    client = signed_in(
        officer("wilayah", "Verifikator", "backoffice.view_all_branches", posted=other)
    )
    assert claim.participant.full_name in client.get(_url("queue", claim)).content.decode()
    assert client.get(_url("review", claim)).status_code == 200


def test_every_backoffice_url_is_in_this_matrix() -> None:
    from cairkan.backoffice import urls

    named = {p.name for p in urls.urlpatterns}
    sign_in = {"login", "login_code", "enrol", "logout"}
    # The walk-in pages need a member found at the counter first: tests/test_counter_pages.py
    # opens each of them per role.
    walk_in = {
        "counter_claim",
        "counter_face",
        "counter_face_submit",
        "counter_face_quality",
        "counter_receipt",
    }
    assert named == set(PAGES) | set(ACTIONS) | sign_in | walk_in


def test_the_admins_approve_action_cannot_skip_four_eyes(claim, settings) -> None:
    settings.CAIRKAN_FOUR_EYES_ABOVE = claim.gross - 1
    supervisor = officer("pny", "Penyelia")
    client = signed_in(supervisor)
    client.post(
        "/admin/claims/claim/", {"action": "move_to_approved", "_selected_action": [claim.pk]}
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"
    settings.CAIRKAN_FOUR_EYES_ABOVE = claim.gross  # at the limit: one approval is enough
    client.post(
        "/admin/claims/claim/", {"action": "move_to_approved", "_selected_action": [claim.pk]}
    )
    claim.refresh_from_db()
    assert claim.status == "approved"
