"""In the browser: a member whose claim was paid opens the claim's page (axe: no
violations) and downloads the bukti potong, a PDF whose text names them and the tax."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from journeys import STRONG, audit, id_text, log_in
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from cairkan.accounts.models import MemberAccount
from cairkan.biometrics.models import FaceEnrolment
from cairkan.payouts.models import Payout
from cairkan.payouts.services import claim_approve, payout_settle
from payout_factories import claim_in_review


@pytest.fixture
def paid(transactional_db: None) -> tuple[str, str]:
    """A member (password, enrolled face) whose 60 juta claim was paid: the send runs
    inline on approval (sandbox bank, settling later), then the bank's answer settles it."""
    claim = claim_in_review(gross=60_000_000, tax=500_000, name="Siti Rahmawati", phone=False)
    person = claim.participant
    phone = "081299900001"
    user = get_user_model().objects.create_user(username="m-siti", password=STRONG)
    MemberAccount.objects.create(user=user, participant=person, phone="+62" + phone[1:])
    FaceEnrolment.objects.create(
        participant=person, embedding=bytes(128 * 8), registry_distance=0.3
    )
    claim_approve(claim=claim, actor="officer", reason="test")
    payout = Payout.objects.get(claim=claim)
    payout_settle(reference=payout.reference, outcome="paid", source="test", amount=payout.net)
    return phone, str(claim.public_id)


def test_a_paid_member_downloads_the_bukti_potong(
    page: Page, live_server: LiveServer, paid: tuple[str, str]
) -> None:
    phone, claim_id = paid
    log_in(page, live_server.url, phone)
    page.goto(f"{live_server.url}/klaim/{claim_id}/")
    link = page.get_by_role(
        "link", name=id_text("Download the withholding slip (bukti potong, PDF)")
    )
    expect(link).to_be_visible()
    violations = audit(page)
    assert not violations, "\n".join(violations)
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Bukti Potong" in text
    assert "Siti Rahmawati" in text
    assert "Rp 500.000" in text
