"""The employer's reported separation date governs the waiting period (Permenaker 4/2022
Art. 8-11): a member cannot shorten it by typing an earlier date, in the service, the
wizard or the API. A member's own date counts only when the employer reported none, and
then the claim goes to an officer."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from cairkan.accounts.models import MemberAccount
from cairkan.biometrics.models import FaceEnrolment
from cairkan.claims.drafts import draft_for
from cairkan.claims.messages import MESSAGES
from cairkan.claims.models import Claim, ClaimDraft
from cairkan.claims.services import (
    ClaimError,
    ClaimRequest,
    claim_preview,
    claim_submit,
    request_from_draft,
    step_save,
)
from cairkan.members.models import Membership, Participant
from claim_steps import face_check_passed, upload_documents

AS_OF = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Makassar"))
RINA = "6308056108979001"  # the employer reported 45 days before AS_OF
NOR = "6308035705949001"  # the employer reported 2026-11-13, ten days before AS_OF
NOR_BANK = {"bank_code": "451", "account_number": "7100029001"}
RINA_BANK = {"bank_code": "002", "account_number": "005201000019001"}


def file(nik: str, **request) -> Claim:
    participant = Participant.objects.get(nik=nik)
    face_check_passed(participant, at=NOW)
    upload_documents(participant, request["reason"])
    return claim_submit(
        participant=participant, request=ClaimRequest(**request), idempotency_key="k", now=NOW
    )


def unreported(nik: str) -> Membership:
    """The employer stopped the membership without reporting the day the member left."""
    membership = Membership.objects.get(participant__nik=nik)
    membership.separation_date, membership.separation_reason = None, ""
    membership.status = "non_active"
    membership.save()
    return membership


class TestService:
    @pytest.fixture(autouse=True)
    def personas(self, db) -> None:
        call_command("seed_demo", members=12, seed=1, as_of=AS_OF)

    def test_an_earlier_typed_date_does_not_shorten_the_waiting_period(self) -> None:
        with pytest.raises(ClaimError) as error:
            file(NOR, reason="resignation", separation_date=date(2026, 8, 1), **NOR_BANK)
        assert error.value.code == "separation_date_reported"
        assert error.value.params == {"reported": "2026-11-13"}
        assert not Claim.objects.exists()

    def test_the_preview_uses_the_employers_date(self) -> None:
        nor = Participant.objects.get(nik=NOR)
        request = ClaimRequest(reason="resignation", separation_date=None, **NOR_BANK)
        preview = claim_preview(participant=nor, request=request, now=NOW)
        assert preview.case.separation_date == date(2026, 11, 13)
        assert preview.separation_source == "employer"
        assert preview.decision.refusals == ("waiting_period",)
        assert preview.decision.eligible_from == date(2026, 12, 13)

    def test_the_same_date_as_the_employers_is_accepted(self) -> None:
        reported = Membership.objects.get(participant__nik=RINA).separation_date
        claim = file(RINA, reason="resignation", separation_date=reported, **RINA_BANK)
        assert (claim.status, claim.separation_date, claim.separation_date_source) == (
            "submitted",
            reported,
            "employer",
        )

    def test_without_a_typed_date_the_employers_date_is_stored(self) -> None:
        claim = file(RINA, reason="resignation", separation_date=None, **RINA_BANK)
        assert claim.separation_date == AS_OF - timedelta(days=45)
        assert claim.separation_date_source == "employer"

    def test_a_member_declared_date_sends_the_claim_to_an_officer(self) -> None:
        unreported(RINA)
        claim = file(RINA, reason="resignation", separation_date=date(2026, 10, 1), **RINA_BANK)
        assert (claim.status, claim.separation_date, claim.separation_date_source) == (
            "in_review",
            date(2026, 10, 1),
            "member",
        )
        assert [(e.from_status, e.to_status, e.actor) for e in claim.events.all()] == [
            ("", "submitted", "member"),
            ("submitted", "in_review", "system"),
        ]

    def test_the_member_declared_date_still_has_its_waiting_period(self) -> None:
        unreported(RINA)
        with pytest.raises(ClaimError) as error:
            file(RINA, reason="resignation", separation_date=date(2026, 11, 1), **RINA_BANK)
        assert error.value.params["refusals"] == ("waiting_period",)

    def test_a_date_typed_for_a_reason_without_one_is_not_kept(self) -> None:
        ahmad = Participant.objects.get(nik="6308050311889001")  # active, no report
        request = ClaimRequest(
            reason="partial_10",
            separation_date=date(2026, 1, 1),
            bank_code="009",
            account_number="",
        )
        preview = claim_preview(participant=ahmad, request=request, now=NOW)
        assert (preview.case.separation_date, preview.separation_source) == (None, "")


# --- the wizard ---------------------------------------------------------------------------


@pytest.fixture
def seeded(db) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=timezone.localdate())


def member_client(nik: str) -> tuple[Client, Participant]:
    participant = Participant.objects.get(nik=nik)
    user = get_user_model().objects.create_user(username=f"m{nik}", password=None)
    MemberAccount.objects.create(user=user, participant=participant, phone="+6281234500077")
    FaceEnrolment.objects.create(
        participant=participant, embedding=np.zeros(128).tobytes(), registry_distance=0.3
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(user)
    return client, participant


def to_data_step(client: Client, participant: Participant) -> ClaimDraft:
    for url, answers in (
        ("/klaim/", {"helper": "0"}),
        ("/klaim/alasan/", {"reason": "resignation"}),
    ):
        draft = ClaimDraft.objects.filter(participant=participant).first()
        response = client.post(url, {**answers, "version": draft.version if draft else 1})
        assert response.status_code == 302, response.content.decode()[:2000]
    return ClaimDraft.objects.get(participant=participant)


def test_the_wizard_refuses_a_date_other_than_the_employers(seeded) -> None:
    # Rina may claim (Nor, in her waiting period, is now told so on the first screen);
    # her employer reported the date, so the page does not ask it: a date sent anyway
    # is refused.
    client, rina = member_client(RINA)
    draft = to_data_step(client, rina)
    response = client.post(
        "/klaim/data/", {"separation_date": "01-08-2026", "version": draft.version}
    )
    assert response.status_code == 400
    with translation.override("id"):
        assert escape(str(MESSAGES["separation_date_reported"])) in response.content.decode()
    draft.refresh_from_db()
    assert "data" not in draft.data and draft.step == "data"


def test_the_wizard_asks_the_member_only_without_a_report(seeded) -> None:
    unreported(RINA)
    client, rina = member_client(RINA)
    draft = to_data_step(client, rina)
    page = client.get("/klaim/data/").content.decode()
    assert 'name="separation_date"' in page
    typed = timezone.localdate() - timedelta(days=40)
    response = client.post(
        "/klaim/data/", {"separation_date": typed.strftime("%d-%m-%Y"), "version": draft.version}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert request_from_draft(draft).separation_date == typed


def test_a_typed_date_in_a_draft_stops_counting_once_the_employer_reports(seeded) -> None:
    membership = unreported(RINA)
    client, rina = member_client(RINA)
    draft = to_data_step(client, rina)
    typed = timezone.localdate() - timedelta(days=40)
    client.post(
        "/klaim/data/", {"separation_date": typed.strftime("%d-%m-%Y"), "version": draft.version}
    )
    membership.separation_date = timezone.localdate() - timedelta(days=20)
    membership.separation_reason = "resignation"
    membership.save()
    draft.refresh_from_db()
    assert request_from_draft(draft).separation_date is None
    page = client.get("/klaim/data/").content.decode()
    assert 'name="separation_date"' not in page


def test_the_draft_step_says_which_date_the_employer_reported(seeded) -> None:
    nor = Participant.objects.get(nik=NOR)
    draft = draft_for(participant=nor)
    reported = Membership.objects.get(participant=nor).separation_date
    with pytest.raises(ClaimError) as error:
        step_save(
            participant=nor,
            draft=draft,
            step="data",
            answers={"separation_date": "2026-08-01"},
            version=draft.version,
        )
    assert (error.value.code, error.value.params) == (
        "separation_date_reported",
        {"reported": reported.isoformat()},
    )
    saved = step_save(
        participant=nor,
        draft=draft,
        step="data",
        answers={"separation_date": reported.isoformat()},
        version=draft.version,
    )
    assert saved.data["data"]["separation_date"] == reported.isoformat()


def test_the_request_carries_every_answer_of_the_draft(seeded) -> None:
    rina = Participant.objects.get(nik=RINA)
    draft = draft_for(participant=rina)
    starts = "2026-12-01T09:00:00+08:00"
    draft.data = {
        "reason": {"reason": "partial_30"},
        "data": {"flagged": ["employer"], "note": "PT baru"},
        "bank": {**RINA_BANK, "npwp": "123456789012345"},
        "schedule": {"kind": "video", "starts_at": starts},
    }
    assert request_from_draft(draft) == ClaimRequest(
        reason="partial_30",
        separation_date=None,
        npwp="123456789012345",
        appointment_kind="video",
        appointment_at=datetime.fromisoformat(starts),
        flagged=("employer",),
        note="PT baru",
        **RINA_BANK,
    )
