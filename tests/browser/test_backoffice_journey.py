"""An officer's working morning in Debian Chromium: sign in with a TOTP code, open a
claim whose document shows in the viewer, ask for a correction of that one document; a
supervisor enrols a device on first sign-in and reads the supervisor view. axe reports
no violations on any back-office page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from backoffice_staff import branches, officer, rina_claim
from cairkan.claims.models import Claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESK = {"viewport": {"width": 1280, "height": 800}}
TABLET = {"viewport": {"width": 768, "height": 1024}}


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


def test_an_officer_signs_in_opens_a_document_and_asks_one_correction(
    new_page: Callable[..., Page], live_server
) -> None:
    # A claim screening left to a person (a clean one is approved as its filing commits).
    claim = rina_claim(flagged=("employer",))
    assert Claim.objects.get(pk=claim.pk).review_reasons == ["flagged_field"]
    amuntai, _other = branches()
    verifier = officer("ver", "Verifikator", posted=amuntai)
    device = TOTPDevice.objects.create(user=verifier, name="ponsel", confirmed=True)
    page = new_page(**DESK)
    refused = csp_refusals(page)

    sign_in(page, live_server.url, "uji-ver")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kode masuk")
    audit(page)
    page.get_by_label("Kode", exact=True).fill(code_for(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()

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

    page.get_by_role("checkbox", name="e-KTP Anda", exact=True).check()
    page.get_by_label("Alasannya (dibaca peserta)").fill("Foto e-KTP buram, mohon foto ulang.")
    with page.expect_navigation():
        page.get_by_role("button", name="Minta perbaikan").click()
    expect(page.locator(".notice")).to_contain_text("Peserta diminta memperbaiki")
    audit(page)
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == "needs_fix"
    assert claim.correction_fields == ["document:ektp"]
    assert refused == []


def test_a_supervisor_enrols_on_first_sign_in_and_reads_the_supervisor_view(
    new_page: Callable[..., Page], live_server
) -> None:
    rina_claim()
    amuntai, _other = branches()
    officer("pny", "Penyelia", posted=amuntai)
    page = new_page(**TABLET)
    refused = csp_refusals(page)

    sign_in(page, live_server.url, "uji-pny")
    expect(page.get_by_role("heading", level=1)).to_have_text("Siapkan kode masuk Anda")
    expect(page.locator(".qr svg")).to_be_visible()
    audit(page)
    device = TOTPDevice.objects.get(user__username="uji-pny")
    page.get_by_label("Kode", exact=True).fill(code_for(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Konfirmasi dan masuk").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean kerja")
    audit(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Penyelia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Penyelia")
    audit(page)
    # The stage figure links to the claims behind it.
    with page.expect_navigation():
        page.get_by_role("row", name="diterima").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean kerja")
    assert refused == []
