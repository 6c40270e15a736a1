"""Filing claims on the seeded personas: the rules, the bank check, the face check,
idempotency and the life of a claim."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from cairkan.accounts.models import MemberAccount
from cairkan.claims.models import Claim, ClaimEvent
from cairkan.claims.services import (
    ClaimError,
    ClaimRequest,
    claim_correct,
    claim_submit,
    claim_transition,
    payment_due,
    stage_of,
)
from cairkan.members.balances import participant_balance
from cairkan.members.models import Participant
from cairkan.notifications.models import OutboundMessage
from claim_steps import face_check_passed, upload_documents

AS_OF = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Makassar"))
RINA = "6308056108979001"
# A video call the next morning, from the capacity seed-demo publishes.
SLOT = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))


@pytest.fixture
def personas(db) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=AS_OF)


def member(nik: str, face: bool = True) -> Participant:
    participant = Participant.objects.get(nik=nik)
    if face:
        face_check_passed(participant, at=NOW)
    return participant


def file(nik: str, key: str = "k1", **request) -> Claim:
    participant = member(nik)
    if not Claim.objects.filter(participant=participant, idempotency_key=key).exists():
        upload_documents(participant, request["reason"], npwp=bool(request.get("npwp")))
    return claim_submit(
        participant=participant, request=ClaimRequest(**request), idempotency_key=key, now=NOW
    )


RINA_CLAIM = {
    "reason": "resignation",
    "separation_date": date(2026, 10, 9),
    "bank_code": "002",
    "account_number": "005201000019001",
}


def test_a_small_resignation_claim_is_filed_in_the_app(personas) -> None:
    claim = file(RINA, **RINA_CLAIM)
    rina = Participant.objects.get(nik=RINA)
    balance = participant_balance(participant=rina, as_of=AS_OF)
    assert (claim.channel, claim.status) == ("app", "submitted")
    assert (claim.gross, claim.tax, claim.net) == (balance, 0, balance)
    assert claim.account_holder == "RINA MAULIDA"
    assert claim.payment_due == date(2026, 11, 24)  # one working day
    assert "resignation_statement" in claim.documents_required
    assert [(e.from_status, e.to_status) for e in claim.events.all()] == [("", "submitted")]
    assert stage_of(claim) == (0, "Agenda Klaim")


def test_a_claim_filed_with_the_services_clock_is_dated_then(personas) -> None:
    """``claim_submit(now=...)`` files the claim as of ``now``: its submission time and
    its filing event, from which the service level counts (the demo's claims past their
    deadline are filed days ago this way, not edited afterwards)."""
    claim = file(RINA, **RINA_CLAIM)
    [filed] = claim.events.all()
    assert claim.submitted_at == filed.at == NOW


def test_the_same_key_files_once_and_a_second_claim_waits(personas) -> None:
    first = file(RINA, **RINA_CLAIM)
    again = file(RINA, **RINA_CLAIM)
    assert again.pk == first.pk
    with pytest.raises(ClaimError) as other:
        file(RINA, key="k2", **RINA_CLAIM)
    assert other.value.code == "claim_in_progress"
    assert Claim.objects.count() == 1


def test_no_claim_without_a_fresh_face_check(personas) -> None:
    with pytest.raises(ClaimError) as error:
        claim_submit(
            participant=member(RINA, face=False),
            request=ClaimRequest(**RINA_CLAIM),
            idempotency_key="k",
            now=NOW,
        )
    assert error.value.code == "face_required"


@pytest.mark.parametrize(
    ("nik", "request_", "code", "detail"),
    [
        (
            "6308035705949001",
            {
                "reason": "resignation",
                "separation_date": date(2026, 11, 13),
                "bank_code": "451",
                "account_number": "7100029001",
            },
            "not_eligible",
            ("waiting_period",),
        ),
        (
            "6308081410909001",
            {
                "reason": "termination",
                "separation_date": date(2026, 9, 24),
                "bank_code": "002",
                "account_number": "005201000019009",
                "appointment_at": SLOT,
            },
            "bank_holder_mismatch",
            "Bahrudin",
        ),
        (
            "6308012207799001",
            {
                "reason": "resignation",
                "separation_date": date(2026, 9, 14),
                "bank_code": "002",
                "account_number": "005201000019007",
                "appointment_at": SLOT,
            },
            "bank_account_dormant",
            None,
        ),
        (
            "6308044502629001",
            {
                "reason": "retirement",
                "separation_date": None,
                "bank_code": "122",
                "account_number": "0010029001",
            },
            "not_eligible",
            ("npwp_missing",),
        ),
        (RINA, {**RINA_CLAIM, "account_number": "999"}, "bank_account_unknown", None),
        (RINA, {**RINA_CLAIM, "npwp": "12.345"}, "npwp_format", None),
        # 15 digits, but digit 9 is not the Luhn check digit of digits 1-8
        (RINA, {**RINA_CLAIM, "npwp": "123456789012345"}, "npwp_format", None),
        # 16 digits not led by 0 must be a NIK; province 99 does not exist
        (RINA, {**RINA_CLAIM, "npwp": "9908055204890001"}, "npwp_format", None),
    ],
)
def test_each_obstacle_is_named(personas, nik, request_, code, detail) -> None:
    with pytest.raises(ClaimError) as error:
        file(nik, **request_)
    assert error.value.code == code
    if code == "not_eligible":
        assert error.value.params["refusals"] == detail
        assert error.value.params["explanations"][0]["message"]
    if code == "bank_holder_mismatch":  # the member's own name; never the holder's (14.4)
        assert error.value.params == {"name": detail}
    if code == "npwp_format":  # the member reads what exactly is wrong with the number
        assert error.value.params["reason"]
    assert not Claim.objects.exists()


def test_a_large_retirement_claim_goes_online_assisted_with_tax(personas) -> None:
    claim = file(
        "6308044502629001",
        reason="retirement",
        separation_date=None,
        bank_code="122",
        account_number="0010029001",
        npwp="12.345.678.2-012.345",  # as printed on the card
        appointment_at=SLOT,
    )
    assert claim.npwp == "123456782012345"
    assert claim.channel == "online_assisted"  # above the Rp 15 juta app limit
    appointment = claim.appointments.get()
    assert (appointment.kind, appointment.starts_at) == ("video", SLOT)
    assert claim.tax == (claim.gross - 50_000_000) * 5 // 100  # PP 68/2009, rounded down
    assert claim.payment_due == date(2026, 11, 30)  # five working days


def test_the_life_of_a_claim(personas) -> None:
    """Only the transitions production code makes: the officer's admin actions
    (claims/admin.py, same arguments) and the member's correction (claim_correct). The
    payout leg (approved → payout_queued → paid / payout_failed) is made by
    cairkan.payouts and tested in test_payouts.py."""
    claim = file(RINA, **RINA_CLAIM)
    with pytest.raises(ClaimError) as missing:
        claim_transition(claim=claim, to_status="needs_fix", actor="officer")
    assert missing.value.code == "correction_fields_required"
    # "Ask for another bank account"
    claim = claim_transition(
        claim=claim, to_status="needs_fix", actor="officer", correction_fields=["bank"]
    )
    assert stage_of(claim) == (1, "Penetapan Klaim")
    claim = claim_correct(
        claim=claim, bank_code=RINA_CLAIM["bank_code"], account_number=RINA_CLAIM["account_number"]
    )
    assert claim.status == "submitted"
    # "Start assessing the documents", then "Approve"
    for status in ("in_review", "approved"):
        claim = claim_transition(claim=claim, to_status=status, actor="officer")
    assert stage_of(claim) == (2, "Persetujuan Klaim")
    # An approved claim is not sent back: "Ask for the documents again" is refused.
    with pytest.raises(ClaimError) as back:
        claim_transition(
            claim=claim,
            to_status="needs_fix",
            actor="officer",
            correction_fields=[f"document:{code}" for code in claim.documents_required],
        )
    assert back.value.code == "transition_not_allowed"
    assert [e.to_status for e in ClaimEvent.objects.filter(claim=claim)] == [
        "submitted",
        "needs_fix",
        "submitted",
        "in_review",
        "approved",
    ]


@pytest.mark.django_db  # operators' closures are rows
def test_payment_due_skips_weekends_and_holidays() -> None:
    assert payment_due(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday → Monday
    assert payment_due(date(2026, 12, 24), 1) == date(2026, 12, 28)  # Christmas on Friday


@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_at_once_file_one_claim() -> None:
    call_command("seed_demo", members=12, seed=1, as_of=AS_OF)
    rina = member(RINA)
    upload_documents(rina, "resignation")
    claims: list[int] = []

    def submit() -> None:
        try:
            claim = claim_submit(
                participant=rina,
                request=ClaimRequest(**RINA_CLAIM),
                idempotency_key="same-key",
                now=NOW,
            )
            claims.append(claim.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claims) == 3 and len(set(claims)) == 1
    assert Claim.objects.count() == 1
    # One filing, screened once: the committed filing is approved by the system once.
    # Approval hands the payout to the bank at once: it is being paid.
    assert list(ClaimEvent.objects.values_list("to_status", flat=True)) == [
        "submitted",
        "approved",
        "payout_queued",
    ]


def test_every_status_change_writes_its_messages_with_it(personas) -> None:
    rina = Participant.objects.get(nik=RINA)
    MemberAccount.objects.create(
        user=get_user_model().objects.create_user("rina"), participant=rina, phone="+6281234500001"
    )
    claim = file(RINA, **RINA_CLAIM)
    claim_transition(claim=claim, to_status="in_review", actor="officer")
    bodies = list(
        OutboundMessage.objects.filter(to="+6281234500001")
        .order_by("pk")
        .values_list("body", flat=True)
    )
    assert len(bodies) == 2 and "Agenda Klaim" in bodies[0] and "Penetapan Klaim" in bodies[1]
