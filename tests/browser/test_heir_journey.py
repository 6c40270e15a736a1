"""An heir's death claim from start to approval in Debian Chromium (issue 13.5): the widow
of the demo's deceased member files on a phone at /ahli-waris/ (identity, documents in
resumable chunks, her own bank account, a video call, a double tap on send), screening
leaves it to a person, and a supervisor approves it in the back office, which pays her.
axe reports no violations on any of the new pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from journeys import audit, id_text
from playwright.sync_api import Page, expect

from backoffice_staff import branches, officer
from cairkan.claims.models import Claim
from cairkan.demo.heirs import DECEASED_KPJ, DECEASED_NIK, WIDOW
from cairkan.payouts.models import Payout
from claim_steps import letter_photo
from heir_claims import DEATH_DOCUMENTS, seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESK = {"viewport": {"width": 1280, "height": 800}}


def no_violations(page: Page) -> None:
    assert audit(page) == []


def test_an_heir_files_a_death_claim_and_a_supervisor_approves_it(
    new_page: Callable[..., Page], live_server, tmp_path: Path, settings
) -> None:
    seed()
    photo = tmp_path / "surat.jpg"
    photo.write_bytes(letter_photo())
    page = new_page()
    page.goto(live_server.url + "/ahli-waris/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        id_text("Claim the JHT of a member who died")
    )
    no_violations(page)
    for label, value in (
        ("The member's NIK (16 digits, on the e-KTP or the family card)", DECEASED_NIK),
        ("The member's KPJ number (11 digits, on the membership card)", DECEASED_KPJ),
        ("Your NIK (16 digits)", WIDOW.nik),
        ("Your full name, as on your e-KTP", "Hj. Siti Aminah"),
        ("Your date of birth", WIDOW.birth_date.isoformat()),
        ("Your mobile number, for the claim's news", "0812 3450 0777"),
    ):
        page.get_by_label(id_text(label)).fill(value)
    page.get_by_label(id_text("You are the member's")).select_option("spouse")
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Check and continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(id_text("The documents"))
    no_violations(page)
    for kind in DEATH_DOCUMENTS:  # each goes up in chunks as soon as it is chosen
        box = page.locator(f'.doc[data-kind="{kind}"]')
        box.locator("input[type=file]").set_input_files(photo)
        expect(box.locator("[data-state] .ok")).to_be_visible()
    no_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(id_text("Where should we pay?"))
    no_violations(page)
    page.locator("#id_bank_code").select_option(WIDOW.bank_code)
    page.locator("#id_account_number").fill(WIDOW.account_number)
    page.locator("#id_npwp").fill(WIDOW.nik)
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Check the account and continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        id_text("Choose a time with an officer")
    )
    no_violations(page)
    page.locator("input[name=starts_at]").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Book this time")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(id_text("Check and send"))
    expect(page.locator("dl.facts")).to_contain_text("SITI AMINAH")
    no_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Send the claim")).dblclick()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        id_text("The claim after the member's death")
    )
    no_violations(page)
    claim = Claim.objects.get(participant__nik=DECEASED_NIK)
    assert Claim.objects.filter(participant__nik=DECEASED_NIK).count() == 1
    assert (claim.status, claim.account_holder) == ("in_review", "SITI AMINAH")
    assert "heir_claim" in claim.review_reasons

    # A supervisor approves it in the back office (one approval: below the four-eyes limit).
    settings.CAIRKAN_FOUR_EYES_ABOVE = claim.gross
    amuntai, _other = branches()
    supervisor = officer("pny", "Penyelia", posted=amuntai)
    device = TOTPDevice.objects.create(user=supervisor, name="ponsel", confirmed=True)
    desk = new_page(**DESK)
    desk.goto(live_server.url + "/kantor/")
    desk.get_by_label("Nama pengguna").fill("uji-pny")
    desk.get_by_label("Kata sandi").fill("x")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Lanjut").click()
    desk.get_by_label("Kode", exact=True).fill(
        f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"
    )
    with desk.expect_navigation():
        desk.get_by_role("button", name="Masuk").click()
    expect(desk.locator("body")).to_contain_text(
        id_text(
            "Death claim filed by an heir: check the death certificate, the heir and the relation"
        )
    )
    no_violations(desk)
    with desk.expect_navigation():
        desk.get_by_role("link", name=claim.participant.full_name).click()
    expect(
        desk.get_by_role("heading", level=2, name=id_text("The heir who filed this death claim"))
    ).to_be_visible()
    expect(desk.locator("#h-heir + p + dl")).to_contain_text("Siti Aminah")
    expect(desk.locator(".docs img").first).to_be_visible()
    no_violations(desk)
    with desk.expect_navigation():
        desk.get_by_role("button", name=id_text("Approve")).click()
    claim.refresh_from_db()
    assert claim.status in ("approved", "payout_queued", "paid")
    payout = Payout.objects.get(claim=claim)
    assert (payout.account_holder, payout.account_number) == ("SITI AMINAH", WIDOW.account_number)
