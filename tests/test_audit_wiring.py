"""Where state changes today, the audit trail records it in the same transaction:
claims, accounts (creation, recovery, password change, token revocation) and the face
step (attempt, lock, unlock, enrolment). Data comes from the tests' existing helpers."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

import test_face_policy as face_steps  # type: ignore[import-not-found]
from cairkan.accounts import services as accounts
from cairkan.accounts.models import MemberAccount
from cairkan.api.services import token_issue, token_revoke
from cairkan.audit.models import AuditEntry
from cairkan.biometrics.services import Checklist, desk_check_start, desk_unlock
from cairkan.claims.services import ClaimError, claim_correct, claim_transition
from cairkan.members.models import Participant
from staff_users import staff_user  # type: ignore[import-not-found]
from test_api import PASSWORD, rina  # type: ignore[import-not-found]  # noqa: F401
from test_claims import RINA, RINA_CLAIM, file, personas  # type: ignore[import-not-found]  # noqa: F401
from test_face_policy import enrolled, member  # type: ignore[import-not-found]  # noqa: F401

pytestmark = pytest.mark.django_db


def _trail(**filters: object) -> list[tuple[object, ...]]:
    return list(
        AuditEntry.objects.filter(**filters)
        .order_by("sequence")
        .values_list("action", "actor_kind", "before", "after")
    )


def _whole() -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "entries verified" in out.getvalue()


# --- claims ---------------------------------------------------------------------------


def test_filing_and_every_move_of_a_claim_are_audited(personas) -> None:  # noqa: F811
    claim = file(RINA, **RINA_CLAIM)
    officer = get_user_model().objects.create_user("uji-verifikator", is_staff=True)
    claim = claim_transition(
        claim=claim,
        to_status="needs_fix",
        actor="officer",
        acting_user=officer,
        reason="the savings book is unreadable",
        correction_fields=["bank"],
    )
    claim = claim_correct(
        claim=claim, bank_code=RINA_CLAIM["bank_code"], account_number=RINA_CLAIM["account_number"]
    )
    assert _trail(subject_type="claims.claim", subject_id=str(claim.pk)) == [
        ("claim.submit", "member", None, {"status": "submitted"}),
        ("claim.transition", "officer", {"status": "submitted"}, {"status": "needs_fix"}),
        ("claim.transition", "member", {"status": "needs_fix"}, {"status": "submitted"}),
    ]
    moved = AuditEntry.objects.get(subject_id=str(claim.pk), after={"status": "needs_fix"})
    assert (moved.actor_user_id, moved.why) == (officer.pk, "the savings book is unreadable")
    assert moved.participant_id == claim.participant_id
    _whole()


def test_a_refused_move_leaves_no_audit_entry(personas) -> None:  # noqa: F811
    claim = file(RINA, **RINA_CLAIM)
    before = AuditEntry.objects.count()
    with pytest.raises(ClaimError):
        claim_transition(claim=claim, to_status="paid", actor="officer")
    assert AuditEntry.objects.count() == before


# --- accounts -------------------------------------------------------------------------


def test_account_creation_password_change_token_revocation_and_recovery_are_audited(
    rina: Participant,  # noqa: F811
) -> None:
    account = MemberAccount.objects.get(participant=rina)
    token_issue(account=account, device_id="phone")
    tablet = token_issue(account=account, device_id="tablet")
    from cairkan.api.models import ApiToken

    tablet_id = str(ApiToken.objects.get(device_hash=accounts.device_hash("tablet")).public_id)
    assert tablet.token and token_revoke(account=account, token_id=tablet_id)
    accounts.account_change_password(
        account=account, password=PASSWORD, new_password="Sungai-Martapura-Biru-58"
    )
    token_issue(account=account, device_id="phone")
    accounts.recovery_complete(
        account=account, face_passed_at=timezone.now(), password="Sungai-Tabukan-2026"
    )
    trail = _trail(participant_id=rina.pk)
    assert [(action, actor) for action, actor, *_ in trail] == [
        ("account.create", "member"),
        ("account.token_revoke", "member"),
        ("account.password_change", "member"),
        ("account.recover", "member"),
    ]
    assert trail[2][3] == {"password_changed": True, "tokens_revoked": 1}
    assert trail[3][3] == {
        "password_changed": True,
        "phone_changed": False,
        "devices_forgotten": 0,
        "tokens_revoked": 1,
    }
    revoked = AuditEntry.objects.get(action="account.token_revoke")
    assert (revoked.subject_id, revoked.actor_user_id) == (tablet_id, account.user_id)
    assert "Sungai" not in str(list(AuditEntry.objects.values_list("before", "after", "why")))
    _whole()


# --- the face step --------------------------------------------------------------------


def test_enrolment_is_audited_without_the_measurements(member) -> None:  # noqa: F811
    issued = face_steps.challenge(member)
    face_steps.prompt_by_prompt(
        member,
        issued.pk,
        face_steps.LIVE,
        submit=face_steps.enrolment_submit,
        registry_reference=face_steps.embedding_of("obama2.jpg"),
    )
    trail = _trail(participant_id=member.pk)
    assert [action for action, *_ in trail] == ["face.attempt", "face.enrolled"]
    assert trail[0][3] == {"outcome": "passed", "counted": False}
    assert "distance" not in str(trail)


def test_lock_and_officer_unlock_are_audited(enrolled) -> None:  # noqa: F811
    face_steps.lock(enrolled)
    officer = staff_user("penyelia", role="Penyelia")
    check = desk_check_start(participant=enrolled, officer=officer)  # a walk-in
    checklist = Checklist(ektp_shown=True, answered=(), live_face_compared=True)
    desk_unlock(check=check, officer=officer, checklist=checklist, note="e-KTP seen on video")
    trail = _trail(participant_id=enrolled.pk)
    assert [(action, actor) for action, actor, *_ in trail] == [
        ("face.attempt", "member"),
        ("face.attempt", "member"),
        ("face.attempt", "member"),
        ("face.locked", "system"),
        ("face.desk_check_started", "officer"),
        ("face.unlocked", "officer"),
    ]
    assert trail[3][2:] == ({"locked": False}, {"locked": True})
    assert trail[5][2:] == (
        {"locked": True},
        {
            "locked": False,
            "method": "counter",
            "walk_in": True,
            "checklist": {"ektp_shown": True, "answered": [], "live_face_compared": True},
        },
    )
    unlocked = AuditEntry.objects.get(action="face.unlocked")
    assert (unlocked.actor_user_id, unlocked.why) == (officer.pk, "e-KTP seen on video")
    _whole()
