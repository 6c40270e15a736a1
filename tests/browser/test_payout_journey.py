"""In the browser, from approval to money (issue 11, "Tests and proof"): a
straight-through claim is paid by the sandbox bank and its page reaches *Selesai* with
the bukti potong downloadable; a claim to a closed account fails, its page says why in
plain Indonesian and asks for another account in the member's own name, the member gives
one (double-clicking "send"), and it is paid once. The sweep is driven from the test
(no sleeping); the sandbox settles at once. axe: no violations on any page.

The straight-through claim is filed on the member's pages from the bank step on (the
steps before it, the camera's among them, are driven in test_claim_journey.py); the
closed account's claim is made by the payouts factories. From filing on, everything runs
as in production."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from journeys import PHONE, RINA, STRONG, audit, id_text, log_in
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from cairkan.accounts.models import MemberAccount
from cairkan.biometrics.models import FaceEnrolment
from cairkan.claims import drafts
from cairkan.claims.models import Claim
from cairkan.claims.services import step_save
from cairkan.integrations import loading
from cairkan.integrations.models import SandboxTransfer
from cairkan.jht.messages import rupiah
from cairkan.members.models import Participant, Withdrawal
from cairkan.payouts.failures import member_message
from cairkan.payouts.models import Payout
from cairkan.payouts.services import claim_approve, payouts_sweep
from claim_steps import face_check_passed, upload_documents
from payout_factories import bank_account, claim_in_review

pytestmark = pytest.mark.browser


@pytest.fixture
def instant_bank(transactional_db: None, settings: pytest.FixtureRequest) -> None:
    """The sandbox settles a transfer at once and the sweep may ask about it at once."""
    settings.CAIRKAN_BANK_OPTIONS = {**settings.CAIRKAN_BANK_OPTIONS, "settle_after_s": 0}
    settings.CAIRKAN_PAYOUT_POLL_SECONDS = 0
    loading.reset()


def member_with_login(person: Participant, phone: str) -> str:
    """The member can log in (password, enrolled face); returns the phone to log in with."""
    account = MemberAccount.objects.filter(participant=person).first()
    if account is None:
        user = get_user_model().objects.create_user(username=f"m-{person.pk}", password=STRONG)
        MemberAccount.objects.create(user=user, participant=person, phone="+62" + phone[1:])
    FaceEnrolment.objects.create(
        participant=person, embedding=bytes(128 * 8), registry_distance=0.3
    )
    return phone


def audited(page: Page, violations: list[str]) -> None:
    violations += audit(page)


def reached_the_end(page: Page) -> None:
    """The timeline's last stage, *Selesai*, is done."""
    last = page.locator("ol.timeline li").last
    expect(last).to_contain_text("Selesai")
    expect(last).to_have_class(re.compile(r"\bdone\b"))


def sweep_until_settled(claim: Claim) -> None:
    """Run the payout sweep as the worker would, until the claim's payout is final."""
    for _ in range(5):
        payouts_sweep()
        claim.refresh_from_db()
        if claim.status in ("paid", "payout_failed"):
            return
    raise AssertionError(f"not settled: {claim.status}")


def rina_ready_to_give_her_account() -> str:
    """Rina (a demo persona whose claim is clean) with her draft filled up to the bank
    step: identity, reason, documents and a passed face check (each step is driven in the
    browser by test_claim_journey.py). Returns her phone."""
    call_command("seed_demo", members=12, seed=1, as_of=timezone.localdate())
    rina = Participant.objects.get(nik=RINA["nik"])
    member_with_login(rina, PHONE)
    draft = drafts.draft_for(participant=rina)
    for step, answers in (
        ("who", {"helper": False}),
        ("reason", {"reason": "resignation"}),
        ("data", {}),
    ):
        draft = step_save(
            participant=rina, draft=draft, step=step, answers=answers, version=draft.version
        )
    upload_documents(rina, "resignation")
    draft = drafts.draft_save(draft=draft, step="documents", answers={}, version=draft.version)
    face_check_passed(rina)
    drafts.draft_save(draft=draft, step="face", answers={}, version=draft.version)
    return PHONE


def test_a_straight_through_claim_is_paid_and_its_slip_downloads(
    page: Page, live_server: LiveServer, instant_bank: None
) -> None:
    phone = rina_ready_to_give_her_account()
    violations: list[str] = []

    log_in(page, live_server.url, phone)
    with page.expect_navigation():
        page.get_by_role("link", name=id_text("Continue my claim")).click()
    expect(page).to_have_url(re.compile(r"/klaim/rekening/$"))
    audited(page, violations)
    page.get_by_label(id_text("Bank")).select_option("002")
    page.get_by_label(id_text("Account number (in your savings book)")).fill("0052 0100 0019 001")
    with page.expect_navigation():
        page.locator("main form button.primary[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/klaim/tinjau/$"))
    audited(page, violations)
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Send my claim")).dblclick()
    claim = Claim.objects.get(participant__nik=RINA["nik"])
    expect(page).to_have_url(re.compile(rf"/klaim/{claim.public_id}/$"))
    # Screened clean as the filing committed, approved by the system, handed to the bank.
    claim.refresh_from_db()
    assert claim.events.get(to_status="approved").actor == "system"
    audited(page, violations)

    sweep_until_settled(claim)
    assert claim.status == "paid"
    page.reload()
    expect(page.get_by_role("heading", name=re.compile(id_text("paid"), re.I))).to_be_visible()
    reached_the_end(page)
    link = page.get_by_role(
        "link", name=id_text("Download the withholding slip (bukti potong, PDF)")
    )
    expect(link).to_be_visible()
    audited(page, violations)
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Bukti Potong" in text
    assert "Rina Maulida" in text
    assert rupiah(claim.tax, "id") in text
    assert Payout.objects.filter(claim=claim, state="paid").count() == 1
    assert Withdrawal.objects.filter(participant=claim.participant).count() == 1
    page.goto(f"{live_server.url}/akun/")
    audited(page, violations)
    assert not violations, "\n".join(violations)


def test_a_closed_account_fails_the_member_gives_another_and_is_paid_once(
    page: Page, live_server: LiveServer, instant_bank: None
) -> None:
    claim = claim_in_review(
        gross=20_000_000, name="Ahmad Fauzi", account_status="closed", phone=False
    )
    phone = member_with_login(claim.participant, "081299900012")
    claim_approve(claim=claim, actor="system", reason="straight through")
    claim.refresh_from_db()
    assert claim.status == "payout_failed"
    other = bank_account(claim.participant)
    violations: list[str] = []

    log_in(page, live_server.url, phone)
    # The account page shows the claim's state and the next step.
    page.goto(f"{live_server.url}/akun/")
    claim_card = page.locator("section[aria-labelledby=claim]")
    expect(claim_card).to_contain_text(re.compile(id_text("payment failed"), re.I))
    expect(claim_card).to_contain_text(
        id_text("The bank could not credit your account. Give another account in your own name.")
    )
    audited(page, violations)
    with page.expect_navigation():
        claim_card.get_by_role("link", name=id_text("See the claim's status")).click()

    # The claim page says why in plain Indonesian and asks for another account.
    expect(page.get_by_text(member_message("account_closed"))).to_be_visible()
    assert "rekening sudah ditutup" in member_message("account_closed")
    audited(page, violations)
    with page.expect_navigation():
        page.get_by_role("link", name=id_text("Correct it now")).click()
    expect(page.get_by_text(id_text("Another account in your own name"))).to_be_visible()
    audited(page, violations)
    page.get_by_label(id_text("Bank")).select_option(other.bank_code)
    page.get_by_label(id_text("Account number (in your savings book)")).fill(other.account_number)
    # A double click on "send": one correction, one new payout.
    with page.expect_navigation(url=re.compile(rf"/klaim/{claim.public_id}/$")):
        page.get_by_role("button", name=id_text("Send the correction")).dblclick()
    audited(page, violations)

    sweep_until_settled(claim)
    assert claim.status == "paid"
    page.reload()
    reached_the_end(page)
    expect(
        page.get_by_role("link", name=id_text("Download the withholding slip (bukti potong, PDF)"))
    ).to_be_visible()
    audited(page, violations)

    payouts = list(Payout.objects.filter(claim=claim).order_by("pk"))
    assert [p.state for p in payouts] == ["failed", "paid"]
    assert payouts[1].account_number == other.account_number
    assert SandboxTransfer.objects.filter(account_number=other.account_number).count() == 1
    assert Withdrawal.objects.filter(participant=claim.participant).count() == 1
    assert not violations, "\n".join(violations)
