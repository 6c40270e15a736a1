"""The claim wizard and status pages without JavaScript (Django's test client): every
screen, the specific messages, a double submit, an assisted-channel appointment, a
helper recorded on the claim and a needs-correction round trip."""

from __future__ import annotations

import re
import threading
from datetime import datetime
from typing import Any

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from cairkan.accounts.models import MemberAccount
from cairkan.biometrics.models import FaceEnrolment
from cairkan.claims.appointments import book
from cairkan.claims.messages import MESSAGES
from cairkan.claims.models import Appointment, Claim, ClaimDraft, DocumentUpload
from cairkan.claims.services import claim_transition
from cairkan.integrations.models import SandboxBankAccount
from cairkan.members.models import Participant
from cairkan.payouts.services import claim_approve
from cairkan.web import wizard
from claim_steps import face_check_passed, letter_photo, required_for

RINA = "6308056108979001"
RINA_BANK = {"bank_code": "002", "account_number": "005201000019001"}
# Retired, balance above the app limit and the NPWP threshold (docs/demo-data.md).
RETIREE = "6308044502629001"
RETIREE_BANK = {"bank_code": "122", "account_number": "0010029001", "npwp": "123456782012345"}


@pytest.fixture(autouse=True)
def personas(db: None) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=timezone.localdate())


def id_message(code: str) -> str:
    with translation.override("id"):
        return escape(str(MESSAGES[code]))


def member_client(nik: str, phone: str) -> tuple[Client, Participant]:
    """A logged-in member with an enrolled face (the enrolment itself is tested elsewhere)."""
    participant = Participant.objects.get(nik=nik)
    user = get_user_model().objects.create_user(username=f"m{nik}", password=None)
    MemberAccount.objects.create(user=user, participant=participant, phone=phone)
    FaceEnrolment.objects.create(
        participant=participant, embedding=np.zeros(128).tobytes(), registry_distance=0.3
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(user)
    return client, participant


def pass_face(participant: Participant) -> None:
    """A passed claim face check, as the face step records it (tested with real photos in
    tests/browser)."""
    face_check_passed(participant)
    draft = ClaimDraft.objects.get(participant=participant)
    draft.data = {**draft.data, "face": {}}
    draft.step = "bank"
    draft.version += 1
    draft.save()


def version(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match, page
    return match.group(1)


def post_step(
    client: Client, url: str, data: dict[str, Any], follow_to: str | None = None
) -> HttpResponse:
    response = client.post(url, {**data, "version": version(client, url)})
    if follow_to is not None:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"] == follow_to
    return response


def documents_upload(client: Client, reason: str, npwp: bool = False) -> None:
    photo = letter_photo()
    files = {
        kind: SimpleUploadedFile(f"{kind}.jpg", photo, "image/jpeg")
        for kind in required_for(reason, npwp)
    }
    response = client.post(
        "/klaim/dokumen/",
        {**files, "action": "continue", "version": version(client, "/klaim/dokumen/")},
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def walk_to_review(
    client: Client,
    participant: Participant,
    reason: str,
    bank: dict[str, str],
    helper: dict[str, str] | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    who = {"helper": "1", **helper} if helper else {"helper": "0"}
    post_step(client, "/klaim/", who, "/klaim/alasan/")
    post_step(client, "/klaim/alasan/", {"reason": reason}, "/klaim/data/")
    post_step(client, "/klaim/data/", data or {}, "/klaim/dokumen/")
    documents_upload(client, reason, npwp=bool(bank.get("npwp")))
    pass_face(participant)


def test_a_member_files_an_app_claim_screen_by_screen(settings) -> None:
    client, rina = member_client(RINA, "+6281234500001")
    account = client.get("/akun/").content.decode()
    assert 'href="/klaim/"' in account
    flag = {"flagged": ["employer"], "note": "Saya bekerja di PT Lain"}
    walk_to_review(client, rina, "resignation", RINA_BANK, data=flag)
    # The draft resumes where the member stopped, on any phone.
    assert ClaimDraft.objects.get(participant=rina).step == "bank"
    assert 'href="/klaim/rekening/"' in client.get("/akun/").content.decode()
    post_step(client, "/klaim/rekening/", RINA_BANK, "/klaim/tinjau/")

    review = client.get("/klaim/tinjau/").content.decode()
    assert "RINA MAULIDA" in review
    key = re.search(r'name="key" value="([^"]+)"', review).group(1)
    first = client.post("/klaim/tinjau/", {"key": key})
    claim = Claim.objects.get(participant=rina)
    assert first["Location"] == f"/klaim/{claim.public_id}/"
    assert (claim.channel, claim.status) == ("app", "submitted")
    # What the member flagged reaches the officer with the claim.
    assert (claim.flagged_fields, claim.member_note) == (["employer"], "Saya bekerja di PT Lain")
    assert claim.documents.count() == 4 and not ClaimDraft.objects.filter(participant=rina).exists()

    status = client.get(f"/klaim/{claim.public_id}/").content.decode()
    assert "Agenda Klaim" in status and 'aria-current="step"' in status
    # The wizard now sends the member to the claim in progress.
    assert client.get("/klaim/alasan/")["Location"] == f"/klaim/{claim.public_id}/"


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_on_send_files_one_claim_and_shows_it_twice(monkeypatch) -> None:
    """Two POSTs of the review page with the same key, both past the page's checks (no
    claim yet) and inside claim_submit at once: one claim, one event, and both taps land
    on it. If the key stopped making the second submission the same one, the second tap
    would meet "a claim is in progress" (or file a second claim) and this fails."""
    client, rina = member_client(RINA, "+6281234500001")
    walk_to_review(client, rina, "resignation", RINA_BANK)
    post_step(client, "/klaim/rekening/", RINA_BANK, "/klaim/tinjau/")
    review = client.get("/klaim/tinjau/").content.decode()
    key = re.search(r'name="key" value="([^"]+)"', review).group(1)

    both_inside = threading.Barrier(2, timeout=20)
    real_submit = wizard.claim_submit
    calls: list[str] = []

    def submit_together(**kwargs: Any) -> Claim:
        calls.append(kwargs["idempotency_key"])
        both_inside.wait()
        return real_submit(**kwargs)

    monkeypatch.setattr(wizard, "claim_submit", submit_together)
    responses: list[HttpResponse] = []

    def tap() -> None:
        tab = Client(HTTP_ACCEPT_LANGUAGE="id")
        tab.cookies = client.cookies  # the same phone, the same session
        try:
            responses.append(tab.post("/klaim/tinjau/", {"key": key}))
        finally:
            connection.close()

    taps = [threading.Thread(target=tap) for _ in range(2)]
    for thread in taps:
        thread.start()
    for thread in taps:
        thread.join()
    assert calls == [key, key]  # both really reached the service
    claim = Claim.objects.get(participant=rina)
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {f"/klaim/{claim.public_id}/"}
    # One filing, screened once as it committed (a clean claim: approved by the system).
    # Approval hands the payout to the bank at once: it is being paid.
    assert [e.to_status for e in claim.events.all()] == ["submitted", "approved", "payout_queued"]


def test_each_screen_answers_bad_input_with_its_message() -> None:
    client, rina = member_client(RINA, "+6281234500001")
    response = post_step(client, "/klaim/", {"helper": "1", "name": "", "relation": "child"})
    assert response.status_code == 400
    assert id_message("helper_name_required") in response.content.decode()
    post_step(client, "/klaim/", {"helper": "0"}, "/klaim/alasan/")
    response = post_step(client, "/klaim/alasan/", {})
    assert response.status_code == 400
    assert id_message("reason_unknown") in response.content.decode()
    # A death claim is the heirs', never filed from the member's own account.
    response = post_step(client, "/klaim/alasan/", {"reason": "death"})
    assert response.status_code == 400 and 'value="death"' not in response.content.decode()
    post_step(client, "/klaim/alasan/", {"reason": "resignation"}, "/klaim/data/")
    post_step(client, "/klaim/data/", {}, "/klaim/dokumen/")
    # An unreadable "photo", and continuing without the documents.
    response = client.post(
        "/klaim/dokumen/",
        {
            "ektp": SimpleUploadedFile("ektp.jpg", b"\xff\xd8\xff not really", "image/jpeg"),
            "action": "continue",
            "version": version(client, "/klaim/dokumen/"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert id_message("not_image").split(",")[0] in page
    assert DocumentUpload.objects.get(kind="ektp").rejection == "not_image"
    documents_upload(client, "resignation")
    pass_face(rina)
    # Someone else's account: "not in your name", never whose it is (issue 14.4).
    response = post_step(
        client, "/klaim/rekening/", {"bank_code": "002", "account_number": "005201000019009"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "SARI WAHYUNI" not in page
    assert id_message("bank_holder_mismatch").split("(")[0] in page
    response = post_step(client, "/klaim/rekening/", {"bank_code": "002", "account_number": "12"})
    assert id_message("account_number_length") in response.content.decode()


def test_a_stale_version_shows_the_newest_answers() -> None:
    client, _rina = member_client(RINA, "+6281234500001")
    stale = version(client, "/klaim/")
    helper = {"name": "Ahmad Fauzi", "relation": "child", "phone": "0813 4455 6677"}
    post_step(client, "/klaim/", {"helper": "1", **helper}, "/klaim/alasan/")
    # Other answers on the old version: another phone's change, shown, not overwritten.
    # (The same answers sent again are a resend and pass: test_claim_drafts.)
    response = client.post("/klaim/", {"helper": "0", "version": stale})
    assert response.status_code == 302 and response["Location"] == "/klaim/"


def free_times(client: Client, path: str = "/klaim/jadwal/") -> list[str]:
    """The appointment page as a member uses it (issue 14.5): first the days with a free
    seat, no time yet; then, for the first day chosen, that day's times only."""
    page = client.get(path).content.decode()
    assert 'name="starts_at"' not in page
    days = re.findall(r"hari=(\d{4}-\d{2}-\d{2})", page)
    assert days, page
    page = client.get(f"{path}?hari={days[0]}").content.decode()
    times = re.findall(r'name="starts_at" value="([^"]+)"', page)
    assert times and {t[:10] for t in times} == {days[0]}, page
    return times


def test_above_the_limit_the_member_books_a_video_call_and_a_helper_is_recorded() -> None:
    client, retiree = member_client(RETIREE, "+6281234500009")
    helper = {"name": "Ahmad Fauzi", "relation": "child", "phone": "0813 4455 6677"}
    walk_to_review(client, retiree, "retirement", RETIREE_BANK, helper=helper)
    # A mistyped NPWP: the member reads which digit does not add up, in Indonesian.
    response = post_step(client, "/klaim/rekening/", {**RETIREE_BANK, "npwp": "123456789012345"})
    assert response.status_code == 400
    assert "Angka ke-9 NPWP ini adalah angka pemeriksa" in response.content.decode()
    post_step(client, "/klaim/rekening/", RETIREE_BANK, "/klaim/jadwal/")
    slots = free_times(client)
    # Filing without a time is refused with the reason.
    day_page = f"/klaim/jadwal/?hari={slots[0][:10]}"
    response = post_step(client, day_page, {"kind": "video"})
    assert response.status_code == 400
    post_step(client, day_page, {"kind": "video", "starts_at": slots[0]}, "/klaim/tinjau/")
    review = client.get("/klaim/tinjau/").content.decode()
    assert "Ahmad Fauzi" in review
    response = client.post("/klaim/tinjau/", {})
    claim = Claim.objects.get(participant=retiree)
    assert response["Location"] == f"/klaim/{claim.public_id}/"
    assert claim.channel == "online_assisted" and claim.tax > 0
    assert (claim.helper_name, claim.helper_relation, claim.helper_phone) == (
        "Ahmad Fauzi",
        "child",
        "+6281344556677",
    )
    appointment = Appointment.objects.get(claim=claim)
    assert appointment.kind == "video"
    assert appointment.starts_at == datetime.fromisoformat(slots[0])
    assert "Ahmad Fauzi" in client.get(f"/klaim/{claim.public_id}/").content.decode()


def test_a_full_slot_is_not_offered_and_cannot_be_taken() -> None:
    client, retiree = member_client(RETIREE, "+6281234500009")
    walk_to_review(client, retiree, "retirement", RETIREE_BANK)
    post_step(client, "/klaim/rekening/", RETIREE_BANK, "/klaim/jadwal/")
    first = free_times(client)[0]
    day_page = f"/klaim/jadwal/?hari={first[:10]}"
    post_step(client, day_page, {"kind": "video", "starts_at": first}, "/klaim/tinjau/")
    # Meanwhile two other members take both officers of that time.
    other = Claim.objects.bulk_create(
        [
            Claim(
                participant=p,
                reason="retirement",
                channel="online_assisted",
                balance=1,
                gross=1,
                tax=0,
                net=1,
                bank_code="002",
                account_number="1",
                account_holder="X",
                idempotency_key="x",
                payment_due=timezone.localdate(),
            )
            for p in Participant.objects.exclude(pk=retiree.pk)[:2]
        ]
    )
    for claim in other:
        book(claim=claim, kind="video", starts_at=datetime.fromisoformat(first))
    response = client.post("/klaim/tinjau/", {})
    assert response["Location"] == "/klaim/jadwal/"
    assert not Claim.objects.filter(participant=retiree).exists()
    assert first not in free_times(client)


def test_needs_correction_round_trip_asks_only_for_what_the_officer_named() -> None:
    client, rina = member_client(RINA, "+6281234500001")
    walk_to_review(client, rina, "resignation", RINA_BANK)
    post_step(client, "/klaim/rekening/", RINA_BANK, "/klaim/tinjau/")
    client.post("/klaim/tinjau/", {})
    claim = Claim.objects.get(participant=rina)
    claim_transition(
        claim=claim,
        to_status="needs_fix",
        actor="officer",
        correction_fields=["document:resignation_statement"],
        reason="letter unreadable",
    )
    status = client.get(f"/klaim/{claim.public_id}/").content.decode()
    assert f'href="/klaim/{claim.public_id}/perbaiki/"' in status
    fix_url = f"/klaim/{claim.public_id}/perbaiki/"
    page = client.get(fix_url).content.decode()
    assert 'name="resignation_statement"' in page and 'name="ektp"' not in page
    # Sending without the document is refused, naming it.
    response = client.post(fix_url, {"action": "send"})
    assert response.status_code == 400
    photo = letter_photo()
    response = client.post(
        fix_url,
        {
            "resignation_statement": SimpleUploadedFile("surat.jpg", photo, "image/jpeg"),
            "action": "send",
        },
    )
    assert response["Location"] == f"/klaim/{claim.public_id}/"
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.correction_fields == []
    assert claim.documents.filter(kind="resignation_statement").count() == 2
    assert [e.to_status for e in claim.events.all()] == ["submitted", "needs_fix", "submitted"]


def test_large_text_is_a_setting_that_holds() -> None:
    client = Client()
    response = client.post("/tampilan/teks/", {"size": "large", "next": "/cek-kelayakan/"})
    assert response["Location"] == "/cek-kelayakan/"
    assert 'class="large-text"' in client.get("/").content.decode()
    client.post("/tampilan/teks/", {"size": "normal", "next": "https://evil.example/"})
    assert 'class="large-text"' not in client.get("/").content.decode()


def test_after_a_failed_payment_the_member_gives_another_account(
    django_capture_on_commit_callbacks,
) -> None:
    client, rina = member_client(RINA, "+6281234500001")
    walk_to_review(client, rina, "resignation", RINA_BANK)
    post_step(client, "/klaim/rekening/", RINA_BANK, "/klaim/tinjau/")
    client.post("/klaim/tinjau/", {})
    claim = Claim.objects.get(participant=rina)
    # The account is closed after filing: the payout's inquiry before sending finds it.
    SandboxBankAccount.objects.filter(account_number=RINA_BANK["account_number"]).update(
        status="closed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        claim_approve(claim=claim, actor="officer")
    claim.refresh_from_db()
    assert claim.status == "payout_failed"
    page = client.get(f"/klaim/{claim.public_id}/").content.decode()
    assert f'href="/klaim/{claim.public_id}/perbaiki/"' in page
    assert "dana karena rekening sudah ditutup" in page  # the reason, in words
    SandboxBankAccount.objects.create(
        bank_code="009", account_number="0123456789", holder_name="RINA MAULIDA", status="active"
    )
    fix_url = f"/klaim/{claim.public_id}/perbaiki/"
    # Someone else's account is refused with the reason, as in the wizard.
    refused = client.post(
        fix_url, {"action": "send", "bank_code": "002", "account_number": "005201000019009"}
    )
    assert refused.status_code == 400 and "SARI WAHYUNI" not in refused.content.decode()
    assert id_message("bank_holder_mismatch").split("(")[0] in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            fix_url, {"action": "send", "bank_code": "009", "account_number": "0123456789"}
        )
    assert response["Location"] == f"/klaim/{claim.public_id}/"
    claim.refresh_from_db()
    # Paid into the new account under a new reference; the failed payout stays as it was.
    assert list(claim.payouts.order_by("pk").values_list("state", "account_number")) == [
        ("failed", RINA_BANK["account_number"]),
        ("accepted", "0123456789"),
    ]
    assert (claim.status, claim.bank_code, claim.account_number) == (
        "payout_queued",
        "009",
        "0123456789",
    )
