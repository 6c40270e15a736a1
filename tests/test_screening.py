"""Straight-through processing (issue 12, item 5): a clean claim is approved by the
system with no human step; each risk flag sends the claim to an officer with its code;
a filing is screened once; a claim an officer already moved is left alone."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from cairkan.accounts.models import AccountEvent
from cairkan.biometrics.models import FaceAttempt, LivenessChallenge
from cairkan.claims.models import Claim, Claimant, ClaimEvent
from cairkan.claims.services import ClaimRequest, claim_correct, claim_submit, claim_transition
from cairkan.integrations.models import SandboxRegistryRecord
from cairkan.members.models import Participant
from cairkan.screening.models import ScreeningResult
from cairkan.screening.rules import RULES, configuration
from cairkan.screening.selectors import RegistryOutage, screening_facts
from cairkan.screening.services import claim_screen
from claim_steps import face_check_passed, upload_documents

AS_OF = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Makassar"))
RINA = "6308056108979001"
RINA_CLAIM = ClaimRequest(
    reason="resignation",
    separation_date=date(2026, 10, 9),
    bank_code="002",
    account_number="005201000019001",
)


@pytest.fixture
def personas(db) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=AS_OF)


def rina() -> Participant:
    return Participant.objects.get(nik=RINA)


def file_rina(key: str = "k1") -> Claim:
    """Rina's app claim, filed as the wizard files it (face passed, documents uploaded).
    The test database never commits, so screening runs only when a test asks."""
    participant = rina()
    face_check_passed(participant, at=NOW)
    upload_documents(participant, "resignation")
    return claim_submit(participant=participant, request=RINA_CLAIM, idempotency_key=key, now=NOW)


def other_member(full_name: str = "Rina Maulida", birth_date: date | None = None) -> Participant:
    """Someone else's record: another NIK, the given name and birth date."""
    return Participant.objects.create(
        nik="6308056108979999",
        full_name=full_name,
        birth_date=birth_date or date(1997, 8, 21),
        sex="F",
        mother_maiden_name="Siti Rahmah",
    )


def copy_of(claim: Claim, participant: Participant, **changes: Any) -> Claim:
    """Another claim like ``claim``, for ``participant``, with ``changes``."""
    fields = {
        f.name: getattr(claim, f.name)
        for f in Claim._meta.concrete_fields
        if f.name not in {"id", "public_id", "participant", "submitted_at"}
    }
    fields.update(idempotency_key="other", **changes)
    return Claim.objects.create(participant=participant, **fields)


def moves(claim: Claim) -> list[tuple[str, str, str]]:
    return [(e.from_status, e.to_status, e.actor) for e in claim.events.all()]


def test_a_clean_claim_is_approved_by_the_system_as_soon_as_its_filing_commits(
    personas, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        claim = file_rina()
    claim.refresh_from_db()
    # Approved by the system, and its payout handed to the bank in the same breath.
    assert claim.status == "payout_queued"
    assert moves(claim)[:2] == [("", "submitted", "member"), ("submitted", "approved", "system")]
    assert claim.payouts.get().net == claim.net
    result = ScreeningResult.objects.get(claim=claim)
    assert (result.outcome, result.reasons, claim.review_reasons) == ("approved", [], [])
    assert {v["code"] for v in result.verdicts} == {rule.code for rule in RULES}
    assert {v["state"] for v in result.verdicts} == {"pass"}


def test_a_retried_submission_does_not_screen_again(
    personas, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        claim = file_rina()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = claim_submit(participant=rina(), request=RINA_CLAIM, idempotency_key="k1", now=NOW)
    assert (again.pk, callbacks) == (claim.pk, [])


def test_screening_twice_approves_once(personas) -> None:
    claim = file_rina()
    first = claim_screen(claim_id=claim.pk, now=NOW)
    second = claim_screen(claim_id=claim.pk, now=NOW)
    assert first is not None and first.outcome == "approved"
    assert second is None
    assert ClaimEvent.objects.filter(claim=claim, to_status="approved").count() == 1
    assert ScreeningResult.objects.filter(claim=claim).count() == 1


def test_a_claim_an_officer_already_took_is_left_alone(personas, django_user_model) -> None:
    officer = django_user_model.objects.create_user("officer", password="x")
    claim = file_rina()
    claim_transition(claim=claim, to_status="in_review", actor="officer", acting_user=officer)
    assert claim_screen(claim_id=claim.pk, now=NOW) is None
    claim.refresh_from_db()
    assert (claim.status, claim.review_reasons) == ("in_review", [])
    assert not ScreeningResult.objects.exists()


def test_a_claim_rejected_before_screening_is_not_approved(personas) -> None:
    claim = file_rina()
    claim_transition(claim=claim, to_status="rejected", actor="officer", rejection_code="documents")
    assert claim_screen(claim_id=claim.pk, now=NOW) is None
    assert Claim.objects.get(pk=claim.pk).status == "rejected"


# --- each risk flag ---------------------------------------------------------------------


def _registry_record() -> Any:
    return SandboxRegistryRecord.objects.filter(nik=RINA)


def _face_review(claim: Claim) -> None:
    challenge = LivenessChallenge.objects.create(
        participant=claim.participant,
        purpose="claim",
        steps=["turn_left"],
        expires_at=timezone.now() + timedelta(minutes=2),
    )
    attempt = FaceAttempt.objects.create(
        participant=claim.participant, challenge=challenge, purpose="claim", outcome="review"
    )
    # Two hours before the filing (claim_submit dates it by its clock, NOW here).
    FaceAttempt.objects.filter(pk=attempt.pk).update(
        created_at=claim.submitted_at - timedelta(hours=2)
    )


def _returned_after_correction(claim: Claim) -> None:
    claim_transition(claim=claim, to_status="in_review", actor="officer")
    claim_transition(
        claim=claim, to_status="needs_fix", actor="officer", correction_fields=["bank"]
    )
    claim_correct(
        claim=Claim.objects.get(pk=claim.pk), bank_code="002", account_number="005201000019001"
    )


def _bank_changed(claim: Claim) -> None:
    earlier = copy_of(claim, claim.participant, status="cancelled", account_number="0001")
    Claim.objects.filter(pk=earlier.pk).update(submitted_at=claim.submitted_at - timedelta(days=5))


FLAGS: dict[str, Callable[[Claim], Any]] = {
    "registry_unverified": lambda c: _registry_record().delete(),
    "registry_deceased": lambda c: _registry_record().update(deceased_on=date(2026, 11, 1)),
    "heir_claim": lambda c: Claimant.objects.create(
        claim=c,
        nik="6308055403749101",
        full_name="Rina Maulida",  # the account's holder: only the heir rule fires
        birth_date=date(1974, 3, 14),
        relation="spouse",
        phone="+6281234500777",
    ),
    "registry_mismatch": lambda c: _registry_record().update(birth_date=date(1997, 8, 12)),
    "bank_holder_mismatch": lambda c: Claim.objects.filter(pk=c.pk).update(
        account_holder="NOOR JANNAH"
    ),
    "duplicate_claim": lambda c: copy_of(c, other_member()),
    "bank_account_shared": lambda c: copy_of(
        c, other_member("Ahmad Yani", date(1980, 1, 1)), status="rejected"
    ),
    "contact_changed": lambda c: AccountEvent.objects.create(
        participant=c.participant, kind="contact_changed", reason="phone replaced"
    ),
    "bank_changed": _bank_changed,
    "separation_declared": lambda c: Claim.objects.filter(pk=c.pk).update(
        separation_date_source="member"
    ),
    "flagged_field": lambda c: Claim.objects.filter(pk=c.pk).update(flagged_fields=["employer"]),
    "face_review_band": _face_review,
    "amount_above_ceiling": lambda c: None,  # with the ceiling below Rina's balance
    "channel_not_app": lambda c: Claim.objects.filter(pk=c.pk).update(channel="online_assisted"),
    "rules_refer": lambda c: Claim.objects.filter(pk=c.pk).update(gross=c.gross + 1, net=c.net + 1),
    "returned_after_correction": _returned_after_correction,
}


def test_every_rule_has_a_flag_test() -> None:
    assert set(FLAGS) == {rule.code for rule in RULES}


@pytest.mark.parametrize("code", list(FLAGS))
def test_each_risk_flag_sends_the_claim_to_an_officer_showing_the_flag(
    personas, settings, code: str
) -> None:
    settings.CAIRKAN_SCREENING_RULES = {"amount_above_ceiling": {"ceiling": 1_000}}
    if code != "amount_above_ceiling":
        settings.CAIRKAN_SCREENING_RULES = {}
    claim = file_rina()
    FLAGS[code](claim)
    result = claim_screen(claim_id=claim.pk, now=NOW)
    claim.refresh_from_db()
    assert result is not None and result.outcome == "referred"
    assert code in result.reasons
    assert code in claim.review_reasons
    assert claim.status == "in_review"
    last = claim.events.last()
    assert last is not None and (last.to_status, last.actor) == ("in_review", "system")
    assert code in last.reason
    assert ClaimEvent.objects.filter(claim=claim, to_status="approved").count() == 0


def test_a_worker_waits_out_a_registry_outage_before_sending_the_claim_to_an_officer(
    personas,
) -> None:
    claim = file_rina()
    _registry_record().update(fault="unavailable")
    with pytest.raises(RegistryOutage):
        claim_screen(claim_id=claim.pk, now=NOW, wait_out_outage=True)
    claim.refresh_from_db()
    assert (claim.status, ScreeningResult.objects.count()) == ("submitted", 0)
    # The retries spent (or no broker, where the member's request cannot wait): referred.
    result = claim_screen(claim_id=claim.pk, now=NOW)
    assert result is not None and result.reasons == ["registry_unverified"]


@pytest.mark.parametrize(
    ("sent_back", "changed"),
    [
        ("corrected: document:bank_account", False),  # the savings book's photo again
        ("corrected: bank", True),
        ("corrected: document:ektp, bank", True),
    ],
)
def test_only_a_new_account_counts_as_a_bank_change(personas, sent_back, changed) -> None:
    claim = file_rina()
    ClaimEvent.objects.create(
        claim=claim,
        from_status="needs_fix",
        to_status="submitted",
        actor="member",
        reason=sent_back,
    )
    facts = screening_facts(claim=claim, filed_at=timezone.now(), now=NOW)
    assert (facts.bank_changed_at is not None) == changed


def test_a_rule_switched_off_lets_its_case_through_and_says_so(personas, settings) -> None:
    settings.CAIRKAN_SCREENING_RULES = {"flagged_field": {"enabled": False}}
    claim = file_rina()
    Claim.objects.filter(pk=claim.pk).update(flagged_fields=["employer"])
    result = claim_screen(claim_id=claim.pk, now=NOW)
    assert result is not None and result.outcome == "approved"
    assert {"code": "flagged_field", "state": "off"} in result.verdicts
    assert result.configuration["flagged_field"]["enabled"] is False


def test_a_filing_already_sent_to_an_officer_by_its_declared_date_gets_its_reasons(
    personas,
) -> None:
    membership = rina().memberships.get()
    membership.separation_date, membership.separation_reason = None, ""
    membership.save()
    participant = rina()
    face_check_passed(participant, at=NOW)
    upload_documents(participant, "resignation")
    request = ClaimRequest(
        reason="resignation",
        separation_date=date(2026, 10, 1),
        bank_code="002",
        account_number="005201000019001",
    )
    claim = claim_submit(participant=participant, request=request, idempotency_key="k", now=NOW)
    assert claim.status == "in_review"  # the filing itself sent it (test_separation_date)
    result = claim_screen(claim_id=claim.pk, now=NOW)
    claim.refresh_from_db()
    assert result is not None and result.outcome == "referred"
    assert "separation_declared" in claim.review_reasons
    assert moves(claim) == [("", "submitted", "member"), ("submitted", "in_review", "system")]


def test_a_screening_failure_never_undoes_or_errors_the_filing(
    personas, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("registry client bug")

    monkeypatch.setattr("cairkan.screening.tasks.screen", broken)
    with django_capture_on_commit_callbacks(execute=True):
        claim = file_rina()
    assert Claim.objects.get(pk=claim.pk).status == "submitted"  # waits for screen-claims
    monkeypatch.undo()
    out = io.StringIO()
    call_command("screen_claims", stdout=out)
    call_command("screen_claims", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 claims handed to screening.",
        "0 claims handed to screening.",
    ]
    assert Claim.objects.get(pk=claim.pk).status == "approved"


def test_the_configuration_refuses_a_rule_or_parameter_that_does_not_exist() -> None:
    with pytest.raises(ImproperlyConfigured, match="no rule"):
        configuration({"amount_ceiling": {"ceiling": 1}})
    with pytest.raises(ImproperlyConfigured, match="no parameter"):
        configuration({"amount_above_ceiling": {"limit": 1}})
    assert configuration({})["contact_changed"] == {"enabled": True, "days": 30}
