"""An elderly walk-in claim at the counter, in Debian Chromium (issue 13.4): Siti Aminah,
64, retired, no phone and no Cairkan account, comes to the counter with her e-KTP, KPJ
card, savings book and NPWP. The counter officer finds her by NIK + KPJ, picks the
reason, scans her documents, turns the counter's camera to her for the live face check
(the fake camera plays a person turning left then right), checks her bank account,
reads her the consent and files; the receipt prints with the claim number and no
personal data. axe reports no violations on any counter page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from journeys import start_in_phase
from playwright.sync_api import Browser, Page, expect

from backoffice_staff import branches, officer
from cairkan.claims.models import Claim, CounterConsent
from cairkan.integrations.models import SandboxRegistryRecord
from cairkan.members.models import Participant
from claim_steps import letter_photo, required_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESK = {"viewport": {"width": 1280, "height": 800}}
FACES = Path(__file__).resolve().parent.parent / "fixtures" / "faces"
SITI_NIK = "6308044502629001"


def audit(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_an_elderly_member_without_a_phone_claims_at_the_counter(
    new_page: Callable[..., Page],
    journey_browser: Browser,
    fixed_challenge: None,
    live_server,
    tmp_path: Path,
) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))
    siti = Participant.objects.get(nik=SITI_NIK)
    assert getattr(siti, "account", None) is None  # no phone, no account
    # The registry's photo of her (a test photo of the person the camera shows).
    SandboxRegistryRecord.objects.filter(nik=SITI_NIK).update(
        photo_jpeg=(FACES / "obama3.jpg").read_bytes()
    )
    amuntai, _other = branches()
    clerk = officer("loket", "Petugas loket", posted=amuntai)
    device = TOTPDevice.objects.create(user=clerk, name="ponsel", confirmed=True)
    page = new_page(journey_browser, **DESK)
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )

    page.goto(live_server.url + "/kantor/loket/")
    page.get_by_label("Nama pengguna").fill("uji-loket")
    page.get_by_label("Kata sandi").fill("x")
    with page.expect_navigation():
        page.get_by_role("button", name="Lanjut").click()
    page.get_by_label("Kode", exact=True).fill(
        f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Loket: klaim langsung")
    audit(page)
    page.get_by_label("NIK (16 digit, dari e-KTP)").fill(SITI_NIK)
    page.get_by_label("Nomor KPJ (11 digit, dari kartu peserta)").fill(siti.memberships.get().kpj)
    with page.expect_navigation():
        page.get_by_role("button", name="Cari peserta").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Siti Aminah")
    expect(page.locator("body")).to_contain_text("Tidak ada ponsel tercatat")
    audit(page)
    page.get_by_label("Saya sudah mencapai usia pensiun").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan alasan").click()

    scans = tmp_path / "scan.jpg"
    scans.write_bytes(letter_photo())
    for kind in required_for("retirement", npwp=True):
        page.locator(f"#doc-{kind}").set_input_files(str(scans))
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim dokumen").click()
    expect(page.locator("#documents .done").first).to_be_visible()
    audit(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Mulai verifikasi wajah").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifikasi wajah di loket")
    expect(page.locator("#camera")).to_be_visible()
    audit(page)
    start_in_phase(page)
    expect(page).to_have_url(re.compile(r"/kantor/loket/klaim/#bank$"), timeout=30_000)

    expect(page.locator("#face p.done")).to_be_visible()
    page.locator("#id_bank_code").select_option("122")
    page.get_by_label("Nomor rekening (dari buku tabungan)").fill("0010029001")
    page.get_by_label("NPWP, jika peserta memilikinya").fill(SITI_NIK)
    with page.expect_navigation():
        page.get_by_role("button", name="Periksa ke bank").click()

    consent = page.locator("blockquote.consent-text")
    expect(consent).to_contain_text("Saya, Siti Aminah")
    audit(page)
    page.get_by_label("membubuhkan cap jempol pada persetujuan tercetak").check()
    page.get_by_label("Saya sudah membacakan persetujuan kepada peserta dan peserta setuju").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Ajukan klaim untuk peserta").click()

    claim = Claim.objects.get(participant=siti)
    assert (claim.channel, claim.helper_id, claim.reason) == ("counter", clerk.pk, "retirement")
    recorded = CounterConsent.objects.get(claim=claim)
    assert recorded.method == "thumbprint" and recorded.witnessed_by_id == clerk.pk
    assert recorded.text.startswith("Saya, Siti Aminah")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tanda terima klaim JHT")
    number = str(claim.public_id)[:8]
    expect(page.locator(".receipt")).to_contain_text(number)
    audit(page)
    page.emulate_media(media="print")
    expect(page.locator("header.bar")).to_be_hidden()
    expect(page.get_by_role("button", name="Cetak tanda terima")).to_be_hidden()
    printed = page.locator(".receipt").inner_text()
    assert SITI_NIK not in printed and "0010029001" not in printed
    assert refused == []
