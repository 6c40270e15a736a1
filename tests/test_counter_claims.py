"""Walk-in claims filed by an officer at the counter (issue 13.4), through the one filing
path (``claim_submit``): the member found by NIK + KPJ, a live face check made at the
counter, the member's recorded consent, the counter channel, one claim per submission."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from backoffice_staff import NOW, branches, officer
from cairkan.audit.models import AuditEntry
from cairkan.backoffice.models import Branch
from cairkan.backoffice.services import ReviewError, claim_review_approve
from cairkan.biometrics.models import FaceAttempt, LivenessChallenge
from cairkan.claims.counter import WalkInRefused, claim_number, consent_text, walk_in_member
from cairkan.claims.models import Appointment, Channel, Claim, ClaimDraft, CounterConsent
from cairkan.claims.services import (
    ClaimError,
    ClaimRequest,
    CounterFiling,
    check_bank_account,
    claim_preview,
    claim_submit,
)
from cairkan.integrations.models import SandboxRegistryRecord
from cairkan.members.models import Participant
from claim_steps import face_check_passed, upload_documents
from staff_users import staff_user

pytestmark = pytest.mark.django_db

RINA_NIK = "6308056108979001"
REQUEST = ClaimRequest(
    reason="resignation",
    separation_date=date(2026, 10, 9),
    bank_code="002",
    account_number="005201000019001",
    at_counter=True,
)


@pytest.fixture
def rina() -> Participant:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))
    person = Participant.objects.get(nik=RINA_NIK)
    upload_documents(person, "resignation")
    return person


@pytest.fixture
def clerk():
    amuntai, _other = branches()
    return officer("loket", "Petugas loket", posted=amuntai)


def counter_face_passed(participant: Participant, by) -> FaceAttempt:
    """A passed claim face check made on the counter's camera by officer ``by`` (the
    check itself runs with real photos in test_counter_pages)."""
    challenge = LivenessChallenge.objects.create(
        participant=participant,
        purpose="claim",
        steps=["turn_left"],
        expires_at=NOW + timedelta(minutes=2),
    )
    return FaceAttempt.objects.create(
        participant=participant, challenge=challenge, purpose="claim", outcome="passed", helper=by
    )


def consent_for(participant: Participant, by) -> str:
    """The consent the counter page reads to the member for REQUEST."""
    return consent_text(
        participant=participant,
        reason=REQUEST.reason,
        net=claim_preview(participant=participant, request=REQUEST, now=NOW).decision.net,
        bank_code=REQUEST.bank_code,
        account_number=REQUEST.account_number,
        holder=check_bank_account(
            participant=participant,
            bank_code=REQUEST.bank_code,
            account_number=REQUEST.account_number,
        ),
        officer=by,
    )


def file_at_counter(participant: Participant, by, *, key: str = "counter-1", **consent):
    filing = CounterFiling(
        officer=by,
        consent_text=consent.get("text", consent_for(participant, by)),
        consent_method=consent.get("method", "thumbprint"),
    )
    return claim_submit(
        participant=participant, request=REQUEST, idempotency_key=key, counter=filing, now=NOW
    )


def test_an_officer_files_a_walk_ins_claim_on_the_counter_channel_with_consent(rina, clerk) -> None:
    counter_face_passed(rina, clerk)
    claim = file_at_counter(rina, clerk)
    assert claim.channel == Channel.COUNTER == "counter"
    assert claim.helper == clerk
    assert claim.account_holder  # the same holder-name check as the wizard's
    assert not Appointment.objects.filter(claim=claim).exists()  # the member is here now
    assert claim.documents.count() == 4
    assert not ClaimDraft.objects.filter(participant=rina).exists()
    consent = CounterConsent.objects.get(claim=claim)
    assert consent.witnessed_by == clerk and consent.method == "thumbprint"
    assert consent.text == consent_for(rina, clerk)
    assert rina.full_name in consent.text and "9001" in consent.text
    event = claim.events.get()
    assert (event.actor, event.acting_user) == ("officer", clerk)
    entry = AuditEntry.objects.get(action="claim.counter_consent")
    assert entry.actor_user_id == clerk.pk and entry.participant_id == rina.pk
    assert entry.after["text"] == consent.text
    assert AuditEntry.objects.filter(action="claim.submit", actor_kind="officer").count() == 1


def test_a_double_submit_at_the_counter_files_one_claim(rina, clerk) -> None:
    counter_face_passed(rina, clerk)
    first = file_at_counter(rina, clerk)
    again = file_at_counter(rina, clerk)
    assert again.pk == first.pk
    assert Claim.objects.filter(participant=rina).count() == 1
    assert CounterConsent.objects.count() == 1


def test_only_an_officer_with_the_right_files_for_someone(rina) -> None:
    amuntai, _other = branches()
    for user in (
        officer("audit", "Auditor", posted=amuntai),
        staff_user("lihat", "claims.view_claim"),
    ):
        counter_face_passed(rina, user)
        with pytest.raises(ClaimError) as refused:
            file_at_counter(rina, user, key=f"k-{user.pk}")
        assert refused.value.code == "file_on_behalf_not_allowed"
    assert not Claim.objects.exists()


def test_the_counter_channel_is_not_open_to_the_member_themself(rina) -> None:
    face_check_passed(rina, at=NOW)
    with pytest.raises(ClaimError) as refused:
        claim_submit(participant=rina, request=REQUEST, idempotency_key="self", now=NOW)
    assert refused.value.code == "file_on_behalf_not_allowed"


def test_a_face_pass_on_the_members_phone_does_not_stand_in_for_the_counters(rina, clerk) -> None:
    face_check_passed(rina, at=NOW)  # on the member's own phone, minutes ago
    other_officer = officer("lain", "Petugas loket")
    counter_face_passed(rina, other_officer)  # at another counter
    with pytest.raises(ClaimError) as refused:
        file_at_counter(rina, clerk)
    assert refused.value.code == "face_required"


def test_the_consent_recorded_is_the_one_read_for_this_claim(rina, clerk) -> None:
    counter_face_passed(rina, clerk)
    stale = consent_for(rina, clerk).replace("005201000019001"[-4:], "1234")
    with pytest.raises(ClaimError) as refused:
        file_at_counter(rina, clerk, text=stale)
    assert refused.value.code == "consent_outdated"
    with pytest.raises(ClaimError) as refused:
        file_at_counter(rina, clerk, method="nodded")
    assert refused.value.code == "consent_method_unknown"
    assert not Claim.objects.exists()


def test_the_member_is_found_by_nik_and_kpj_as_the_registry_has_them(rina) -> None:
    kpj = rina.memberships.first().kpj
    found, person = walk_in_member(nik=RINA_NIK, kpj=f"{kpj[:4]} {kpj[4:]}")
    assert found == rina and person.nik == RINA_NIK
    someone_else = Participant.objects.exclude(pk=rina.pk).first().memberships.first().kpj
    cases = {
        ("6308056108979001", "123"): "walk_in_kpj_format",
        ("630805610897", kpj): "walk_in_nik_format",
        (RINA_NIK, "99999999999"): "walk_in_kpj_unknown",
        (RINA_NIK, someone_else): "walk_in_kpj_not_this_nik",
    }
    for (nik, number), code in cases.items():
        with pytest.raises(WalkInRefused) as refused:
            walk_in_member(nik=nik, kpj=number)
        assert refused.value.code == code
    SandboxRegistryRecord.objects.filter(nik=RINA_NIK).update(deceased_on=date(2026, 11, 1))
    with pytest.raises(WalkInRefused) as refused:
        walk_in_member(nik=RINA_NIK, kpj=kpj)
    assert refused.value.code == "walk_in_deceased"


def test_the_receipt_number_is_the_one_status_messages_quote(rina, clerk) -> None:
    counter_face_passed(rina, clerk)
    claim = file_at_counter(rina, clerk)
    assert len(claim_number(claim)) == 8
    assert str(claim.public_id).startswith(claim_number(claim))


def test_the_officer_who_filed_at_the_counter_does_not_approve_it(rina, clerk, settings) -> None:
    settings.CAIRKAN_FOUR_EYES_ABOVE = 10**12  # one approval would be enough
    amuntai = Branch.objects.get(code="amuntai")
    supervisor = officer("pny", "Penyelia", posted=amuntai)
    counter_face_passed(rina, supervisor)
    claim = file_at_counter(rina, supervisor)
    with pytest.raises(ReviewError) as refused:
        claim_review_approve(claim=claim, officer=supervisor)
    assert refused.value.code == "filed_it_yourself"
    claim.refresh_from_db()
    assert claim.status in ("submitted", "in_review")
    another = officer("pny2", "Penyelia", posted=amuntai)
    assert claim_review_approve(claim=claim, officer=another) == "approved"
