"""The officers' working day in Debian Chromium, to the end, in one run: a verifier signs in
with a TOTP code, opens a claim screening left to a person with its document in the
viewer and asks for a correction of that one document; the member signs in on the member
pages, replaces exactly that document and sends it back; the verifier approves; a
supervisor enrols a device with the code an operator issued and reads the breach list,
where a claim past its deadline waits. axe reports no violations on any back-office page
(nor on the member's correction page)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from journeys import STRONG, id_text, log_in
from playwright.sync_api import Page, expect

from backoffice_staff import branches, late_claim, officer, rina_claim
from cairkan.accounts.models import MemberAccount
from cairkan.backoffice.services import staff_enrolment_issue
from cairkan.biometrics.models import FaceEnrolment
from cairkan.claims.models import Claim
from cairkan.demo.workday import letter_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESK = {"viewport": {"width": 1280, "height": 800}}
TABLET = {"viewport": {"width": 768, "height": 1024}}
RINA_PHONE = "081234500001"


def audit(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def csp_refusals(page: Page) -> list[str]:
    """What the browser refuses under the Content-Security-Policy, as it happens."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/kantor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk petugas")
    audit(page)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill("x")
    with page.expect_navigation():
        page.get_by_role("button", name="Lanjut").click()


def open_claim(page: Page, claim: Claim) -> None:
    """From the work queue to the claim's review screen, its document showing."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean kerja")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    audit(page)
    with page.expect_navigation():
        page.get_by_role("link", name=claim.participant.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(claim.participant.full_name)
    photo = page.locator(".docs img").first
    expect(photo).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", photo.element_handle())
    audit(page)


def member_with_password(claim: Claim) -> MemberAccount:
    """The claim's member, registered with a password and an enrolled face (both tested
    in the identity journeys)."""
    participant = claim.participant
    user = get_user_model().objects.create_user(f"m{participant.nik}", password=STRONG)
    FaceEnrolment.objects.create(
        participant=participant, embedding=bytes(128 * 8), registry_distance=0.3
    )
    return MemberAccount.objects.create(
        user=user, participant=participant, phone="+62" + RINA_PHONE[1:]
    )


def test_a_claim_goes_from_correction_to_approval_and_the_supervisor_sees_the_breach(
    new_page: Callable[..., Page], live_server
) -> None:
    # A claim screening leaves to a person (a clean one is approved as its filing commits),
    # and one filed seven working days ago that nobody has checked yet.
    claim = rina_claim(flagged=("employer",))
    assert Claim.objects.get(pk=claim.pk).review_reasons == ["flagged_field"]
    late = late_claim()
    amuntai, _other = branches()
    verifier = officer("ver", "Verifikator", posted=amuntai)
    device = TOTPDevice.objects.create(user=verifier, name="ponsel", confirmed=True)
    supervisor = officer("pny", "Penyelia", posted=amuntai)
    enrolment_code = staff_enrolment_issue(user=supervisor)  # the operator's, handed over
    member_with_password(claim)
    base = live_server.url

    # The verifier asks for a correction of exactly the e-KTP.
    desk = new_page(**DESK)
    desk_refused = csp_refusals(desk)
    sign_in(desk, base, "uji-ver")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Kode masuk")
    audit(desk)
    desk.get_by_label("Kode", exact=True).fill(code_for(device))
    with desk.expect_navigation():
        desk.get_by_role("button", name="Masuk").click()
    open_claim(desk, claim)
    desk.get_by_role("checkbox", name="e-KTP Anda", exact=True).check()
    desk.get_by_label("Alasannya (dibaca peserta)").fill("Foto e-KTP buram, mohon foto ulang.")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Minta perbaikan").click()
    expect(desk.locator(".notice")).to_contain_text(
        id_text("The member is asked to correct exactly this.")
    )
    audit(desk)
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.status, claim.correction_fields) == ("needs_fix", ["document:ektp"])

    # The member signs in on their phone and replaces that document, nothing else.
    phone = new_page()
    log_in(phone, base, RINA_PHONE)
    phone.goto(f"{base}/klaim/{claim.public_id}/")
    with phone.expect_navigation():
        phone.get_by_role("link", name=id_text("Correct it now")).click()
    expect(phone).to_have_url(re.compile(r"/perbaiki/$"))
    assert phone.locator("input[type=file]").count() == 1
    audit(phone)
    photo = {"name": "ektp.jpg", "mimeType": "image/jpeg", "buffer": letter_photo()}
    phone.locator("#file-ektp").set_input_files(photo)
    expect(phone.locator(".doc .ok")).to_be_visible()
    with phone.expect_navigation():
        phone.get_by_role("button", name=id_text("Send the correction")).click()
    expect(phone).to_have_url(re.compile(rf"/klaim/{claim.public_id}/$"))
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == "in_review"  # back with a person: screening holds a correction
    assert claim.documents.filter(kind="ektp").count() == 2
    assert claim.documents.exclude(kind="ektp").count() == len(claim.documents_required) - 1

    # The verifier sees it come back and approves it (below the four-eyes limit).
    desk.goto(base + "/kantor/?reason=resubmitted")
    open_claim(desk, claim)
    with desk.expect_navigation():
        desk.get_by_role("button", name=id_text("Approve")).click()
    expect(desk.locator(".notice")).to_contain_text(id_text("The claim is approved."))
    audit(desk)
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.events.get(to_status="approved").acting_user == verifier
    assert claim.status == "payout_queued"  # the approval made its payout at once
    assert claim.payouts.count() == 1
    assert desk_refused == []

    # The supervisor's first sign-in: the operator's enrolment code, then the QR.
    board = new_page(**TABLET)
    board_refused = csp_refusals(board)
    sign_in(board, base, "uji-pny")
    expect(board.get_by_role("heading", level=1)).to_have_text("Siapkan kode masuk Anda")
    expect(board.locator(".qr svg")).to_have_count(0)  # no key for a password alone
    audit(board)
    board.get_by_label("Kode pendaftaran").fill(enrolment_code)
    with board.expect_navigation():
        board.get_by_role("button", name=id_text("Continue")).click()
    expect(board.locator(".qr svg")).to_be_visible()
    audit(board)
    enrolled = TOTPDevice.objects.get(user=supervisor)
    board.get_by_label("Kode", exact=True).fill(code_for(enrolled))
    with board.expect_navigation():
        board.get_by_role("button", name="Konfirmasi dan masuk").click()
    expect(board.get_by_role("heading", level=1)).to_have_text("Antrean kerja")
    audit(board)
    with board.expect_navigation():
        board.get_by_role("link", name="Penyelia").click()
    expect(board.get_by_role("heading", level=1)).to_have_text("Penyelia")
    urgent = board.get_by_role("list", name=re.compile(id_text("About to breach")))
    breach = urgent.get_by_role("listitem").filter(has_text=late.participant.full_name)
    expect(breach).to_contain_text(id_text("Past the deadline"))
    # Approved: out of the list.
    expect(
        urgent.get_by_role("listitem").filter(has_text=claim.participant.full_name)
    ).to_have_count(0)
    audit(board)
    # A figure links to the claims behind it: the breached claim's review screen.
    with board.expect_navigation():
        breach.get_by_role("link", name=late.participant.full_name).click()
    expect(board.get_by_role("heading", level=1)).to_contain_text(late.participant.full_name)
    audit(board)
    assert board_refused == []
