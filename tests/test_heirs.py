"""Heirs' death claims (issue 13.5): the heir checked against the registry, the rules'
documents for death (a guardian's letter for a minor heir), payment to the heir's own
account, screening that never lets a death claim through, approval that pays the heir,
and the deceased member's account closed."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cairkan.accounts.models import MemberAccount
from cairkan.api.models import ApiToken
from cairkan.audit.models import AuditEntry
from cairkan.claims.documents import upload_whole
from cairkan.claims.heirs import HeirError, heir_check, heir_draft_start
from cairkan.claims.models import Claim, Claimant, ClaimDraft
from cairkan.claims.services import ClaimError, ClaimRequest, claim_submit
from cairkan.demo.heirs import DECEASED_NIK, WIDOW
from cairkan.members.models import Participant
from cairkan.notifications.models import OutboundMessage
from cairkan.payouts.models import Payout
from cairkan.payouts.services import claim_approve
from cairkan.screening.services import claim_screen
from claim_steps import face_check_passed, letter_photo, upload_documents
from heir_claims import (
    AS_OF,
    DEATH_DOCUMENTS,
    NOW,
    RINA,
    SLOT,
    checked,
    file_for,
    heir_request,
    seed,
    son,
    widow,
)


@pytest.fixture
def personas(db) -> None:
    seed()


# --- the heir's identity -------------------------------------------------------------------


def test_an_adult_heir_is_known_by_the_registrys_name_and_needs_no_guardian(personas) -> None:
    member, heir = checked(widow())
    assert member.nik == DECEASED_NIK
    assert (heir.full_name, heir.is_minor, heir.phone) == ("Siti Aminah", False, "+6281234500777")


@pytest.mark.parametrize(
    "typed",
    [
        {"birth_date": date(1974, 3, 15)},
        {"full_name": "Siti Rahmah"},
        {"nik": "6308055403749102"},  # nobody in the registry
    ],
)
def test_an_heir_the_registry_does_not_confirm_gets_one_answer(personas, typed) -> None:
    with pytest.raises(HeirError) as refused:
        checked(widow(**typed))
    assert refused.value.code == "heir_identity_mismatch"


def test_a_wrong_kpj_is_the_same_answer_as_a_wrong_heir(personas) -> None:
    with pytest.raises(HeirError) as refused:
        heir_check(member_nik=DECEASED_NIK, kpj="23000000101", heir=widow(), today=AS_OF)
    assert refused.value.code == "heir_identity_mismatch"


def test_a_living_member_has_no_heirs_claim(personas) -> None:
    with pytest.raises(HeirError) as refused:
        heir_check(member_nik=RINA, kpj="23000000101", heir=widow(), today=AS_OF)
    assert refused.value.code == "heir_member_not_deceased"


def test_a_minor_heir_needs_a_guardian_the_registry_knows(personas) -> None:
    with pytest.raises(HeirError) as refused:
        checked(son(guardian_nik="", guardian_name=""))
    assert refused.value.code == "heir_guardian_required"
    with pytest.raises(HeirError) as refused:
        checked(son(guardian_name="Siti Rahmah"))
    assert refused.value.code == "heir_guardian_mismatch"
    _member, heir = checked(son())
    assert (heir.is_minor, heir.guardian_name) == (True, "Siti Aminah")


def test_guesses_at_an_heirs_data_are_limited(personas) -> None:
    for _ in range(5):
        with pytest.raises(HeirError):
            checked(widow(birth_date=date(1974, 3, 15)))
    with pytest.raises(HeirError) as refused:
        checked(widow())  # the right data, too late
    assert refused.value.code == "heir_throttled"


# --- filing ---------------------------------------------------------------------------------


def test_an_heir_files_a_death_claim_paid_to_their_own_account(personas) -> None:
    claim = file_for(widow())
    assert claim.participant.nik == DECEASED_NIK  # the balance is the deceased member's
    assert (claim.reason, claim.channel, claim.status) == ("death", "online_assisted", "submitted")
    assert claim.account_holder == "SITI AMINAH"
    assert claim.account_number == WIDOW.account_number
    heir = Claimant.objects.get(claim=claim)
    assert (heir.nik, heir.full_name, heir.relation, heir.is_minor) == (
        WIDOW.nik,
        "Siti Aminah",
        "spouse",
        False,
    )
    assert set(claim.documents_required) == set(DEATH_DOCUMENTS)
    assert claim.documents.count() == len(DEATH_DOCUMENTS)
    assert claim.appointments.get().starts_at == SLOT
    assert "by an heir (spouse)" in claim.events.get().reason
    assert not ClaimDraft.objects.filter(participant=claim.participant).exists()


def test_a_double_submit_files_one_claim(personas) -> None:
    first = file_for(widow())
    again = claim_submit(
        participant=first.participant,
        request=heir_request(checked(widow())[1]),
        idempotency_key="heir-1",
        heir=checked(widow())[1],
        now=NOW,
    )
    assert again.pk == first.pk
    assert Claim.objects.filter(participant=first.participant).count() == 1


def test_a_minor_heirs_claim_needs_the_guardians_letter(personas) -> None:
    member, heir = checked(son())
    draft = heir_draft_start(participant=member, heir=heir)
    for kind in DEATH_DOCUMENTS:
        upload_whole(draft=draft, kind=kind, filename="x.jpg", data=letter_photo())
    with pytest.raises(ClaimError) as refused:
        claim_submit(
            participant=member,
            request=heir_request(heir),
            idempotency_key="minor",
            heir=heir,
            now=NOW,
        )
    assert (refused.value.code, refused.value.params["missing"]) == (
        "documents_missing",
        ["guardian_letter"],
    )
    upload_whole(draft=draft, kind="guardian_letter", filename="x.jpg", data=letter_photo())
    claim = claim_submit(
        participant=member, request=heir_request(heir), idempotency_key="minor", heir=heir, now=NOW
    )
    assert "guardian_letter" in claim.documents_required
    assert claim.claimant.guardian_nik == WIDOW.nik
    assert claim.account_holder == "AHMAD FAUZAN"


def test_an_account_in_the_deceased_members_name_is_refused(personas) -> None:
    with pytest.raises(ClaimError) as refused:
        file_for(widow(), bank_code="122", account_number="0010029008")  # GUSTI RAHMADI's
    assert refused.value.code == "bank_holder_mismatch"


def test_a_claim_the_member_filed_before_dying_is_named_to_the_heir(personas) -> None:
    member = Participant.objects.get(nik=DECEASED_NIK)
    Claim.objects.create(
        participant=member,
        reason="retirement",
        channel="branch",
        balance=1,
        gross=1,
        tax=0,
        net=1,
        bank_code="122",
        account_number="0010029008",
        account_holder="GUSTI RAHMADI",
        idempotency_key="before",
        payment_due=AS_OF,
    )
    with pytest.raises(HeirError) as refused:
        heir_draft_start(participant=member, heir=checked(widow())[1])
    assert refused.value.code == "heir_claim_open"


def test_another_heirs_draft_keeps_a_second_heir_out(personas) -> None:
    member, first = checked(widow())
    heir_draft_start(participant=member, heir=first)
    with pytest.raises(HeirError) as refused:
        heir_draft_start(participant=member, heir=checked(son())[1])
    assert refused.value.code == "heir_draft_other"


def test_the_members_own_unfinished_draft_is_not_shown_to_the_heir(personas) -> None:
    member = Participant.objects.get(nik=DECEASED_NIK)
    upload_documents(member, "retirement")  # the member's own draft, before he died
    draft = heir_draft_start(participant=member, heir=checked(widow())[1])
    assert draft.uploads.count() == 0
    assert draft.data["heir"]["nik"] == WIDOW.nik


# --- the deceased member's account ----------------------------------------------------------


def account_of(nik: str, username: str) -> MemberAccount:
    member = Participant.objects.get(nik=nik)
    user = get_user_model().objects.create_user(username, password="Rahasia-Sekali-42")
    return MemberAccount.objects.create(user=user, participant=member, phone="+6281299900001")


def test_filing_closes_the_members_account_and_revokes_sessions_and_tokens(personas) -> None:
    account = account_of(DECEASED_NIK, "rahmadi")
    browser = Client()
    browser.force_login(account.user)
    assert browser.get("/akun/").status_code == 200
    ApiToken.objects.create(
        account=account, token_hash="a" * 64, device_hash="b" * 64, expires_at=NOW
    )
    claim = file_for(widow())
    account.user.refresh_from_db()
    assert account.user.is_active is False
    assert not account.user.has_usable_password()
    assert ApiToken.objects.filter(account=account).count() == 0
    assert browser.get("/akun/").status_code == 302  # the session no longer logs in
    assert Client().login(username="rahmadi", password="Rahasia-Sekali-42") is False
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"claim.submit", "claim.heir", "account.close_deceased"} <= actions
    # The claim's news goes to the heir, never to the deceased's phone.
    to = set(OutboundMessage.objects.values_list("to", flat=True))
    assert to == {"+6281234500777"}
    assert claim.claimant.phone == "+6281234500777"


def test_a_member_cannot_file_a_death_claim_for_themselves(personas) -> None:
    rina = Participant.objects.get(nik=RINA)
    face_check_passed(rina, at=NOW)
    with pytest.raises(ClaimError) as refused:
        claim_submit(
            participant=rina,
            request=heir_request(widow(), heir_is_minor=False),
            idempotency_key="own-death",
            now=NOW,
        )
    assert refused.value.code == "death_claim_by_heir"


def test_a_member_the_registry_records_as_deceased_files_nothing(personas) -> None:
    account = account_of(DECEASED_NIK, "rahmadi")
    member = account.participant
    face_check_passed(member, at=NOW)
    upload_documents(member, "retirement")
    with pytest.raises(ClaimError) as refused:
        claim_submit(
            participant=member,
            request=ClaimRequest(
                reason="retirement",
                separation_date=None,
                bank_code="122",
                account_number="0010029008",
                appointment_at=SLOT,
            ),
            idempotency_key="dead-man",
            now=NOW,
        )
    assert refused.value.code == "member_deceased"
    account.user.refresh_from_db()
    assert account.user.is_active is False


# --- screening, the officer and the payment -------------------------------------------------


def test_screening_holds_a_death_claim_and_says_why(personas) -> None:
    claim = file_for(widow())
    result = claim_screen(claim_id=claim.pk, now=NOW)
    claim.refresh_from_db()
    assert result is not None and result.outcome == "referred"
    assert claim.status == "in_review"
    assert "heir_claim" in claim.review_reasons
    assert "registry_deceased" in claim.review_reasons
    # Paid to the heir in the heir's name: not a holder mismatch.
    assert "bank_holder_mismatch" not in claim.review_reasons


def test_approval_pays_the_heir(personas) -> None:
    claim = file_for(widow())
    claim_screen(claim_id=claim.pk, now=NOW)
    claim.refresh_from_db()
    claim_approve(claim=claim, actor="officer", reason="death and heir certificates checked")
    payout = Payout.objects.get(claim=claim)
    assert (payout.account_holder, payout.account_number) == ("SITI AMINAH", WIDOW.account_number)
    assert payout.net == claim.net
