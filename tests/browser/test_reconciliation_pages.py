"""A supervisor in Debian Chromium reconciles the day against a statement file with a
difference, and opens the month's tax report; axe reports no violations on either page
and the browser refuses nothing under the Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from test_backoffice_journey import DESK, audit, code_for, csp_refusals, sign_in

from backoffice_staff import officer
from cairkan.payouts.models import Payout
from cairkan.payouts.services import claim_approve, payout_settle
from payout_factories import claim_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_reconciles_the_day_and_reads_the_tax_report(
    new_page: Callable[..., Page], live_server, tmp_path: Path
) -> None:
    claim = claim_in_review(gross=60_000_000, tax=500_000, name="Siti Rahmawati", phone=False)
    claim_approve(claim=claim, actor="officer", reason="test")
    payout = Payout.objects.get(claim=claim)
    payout_settle(reference=payout.reference, outcome="paid", source="test", amount=payout.net)
    supervisor = officer("pny", "Penyelia")
    device = TOTPDevice.objects.create(user=supervisor, name="ponsel", confirmed=True)
    day = timezone.localdate().isoformat()
    statement = tmp_path / "rekening-koran.csv"
    statement.write_text(
        "reference,amount,booked_on,direction\n"
        f"{payout.reference},{payout.net},{day},debit\n"
        f"BUKAN-KAMI-1,12345,{day},debit\n"
    )
    page = new_page(**DESK)
    refused = csp_refusals(page)
    sign_in(page, live_server.url, "uji-pny")
    page.get_by_label("Kode", exact=True).fill(code_for(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()

    with page.expect_navigation():
        page.get_by_role("link", name="Rekonsiliasi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rekonsiliasi dengan bank")
    audit(page)
    page.get_by_label("Rekening koran bank", exact=False).set_input_files(statement)
    with page.expect_navigation():
        page.get_by_role("button", name="Cocokkan").click()
    expect(page.get_by_text("Catatan bank tanpa pembayaran Cairkan")).to_be_visible()
    expect(page.get_by_role("heading", level=2).nth(1)).to_contain_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    audit(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Pajak dipotong").click()
    expect(page.get_by_text("Siti Rahmawati")).to_be_visible()
    expect(page.get_by_text("Rp 500.000").first).to_be_visible()
    audit(page)
    assert refused == []
