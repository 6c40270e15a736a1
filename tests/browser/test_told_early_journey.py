"""Issue 14.1 and 14.3 on a 360 px phone, in normal and large text: the member still in
the waiting period is told on the first screen, with the date; a rejected claim's page
shows no amount, payment date or appointment. axe (WCAG 2.2 AA) finds nothing and
nothing is wider than the screen."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from journeys import audit, id_text, log_in
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from test_claim_journey import member_with_password

from cairkan.claims.services import ClaimRequest, claim_submit, claim_transition
from cairkan.jht.dates import add_months
from cairkan.jht.messages import long_date, rupiah
from cairkan.members.models import Membership
from claim_steps import face_check_passed, upload_documents

pytestmark = pytest.mark.browser
NOR, NOR_PHONE = "6308035705949001", "081234500004"
RINA, RINA_PHONE = "6308056108979001", "081234500001"


@pytest.fixture(autouse=True)
def personas(transactional_db: None) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=timezone.localdate())


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width


def large_text(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Large text")).click()
    expect(page.locator("html")).to_have_class("large-text")


def test_in_the_waiting_period_the_first_screen_says_from_when(
    page: Page, live_server: LiveServer
) -> None:
    account = member_with_password(NOR, NOR_PHONE)
    separation = Membership.objects.get(participant=account.participant).separation_date
    assert separation is not None
    opens = long_date(add_months(separation, 1), "id")
    log_in(page, live_server.url, NOR_PHONE)
    expect(page.locator("main")).to_contain_text(opens)  # the account page says it too
    fits_the_phone(page)
    violations: list[str] = [f"account: {v}" for v in audit(page)]
    page.goto(live_server.url + "/klaim/")
    for size in ("normal", "large"):
        expect(page.get_by_role("heading", level=1)).to_contain_text(opens)
        expect(page.locator("main input[type=file], main input[name=helper]")).to_have_count(0)
        fits_the_phone(page)
        violations += [f"{size}: {v}" for v in audit(page)]
        if size == "normal":
            large_text(page)
    assert not violations, "\n".join(violations)


def test_a_rejected_claim_shows_no_amount_date_or_appointment(
    page: Page, live_server: LiveServer
) -> None:
    account = member_with_password(RINA, RINA_PHONE)
    rina = account.participant
    upload_documents(rina, "resignation")
    face_check_passed(rina)
    claim = claim_submit(
        participant=rina,
        request=ClaimRequest(
            reason="resignation",
            separation_date=None,
            bank_code="002",
            account_number="005201000019001",
            flagged=("employer",),  # so screening sends it to an officer
        ),
        idempotency_key="first",
    )
    claim_transition(
        claim=claim, to_status="rejected", actor="officer", rejection_code="documents_incomplete"
    )
    log_in(page, live_server.url, RINA_PHONE)
    violations: list[str] = []
    page.goto(f"{live_server.url}/klaim/{claim.public_id}/")
    for size in ("normal", "large"):
        main = page.locator("main")
        expect(main).to_contain_text(id_text("rejected").capitalize())
        expect(main).to_contain_text(
            id_text(
                "The documents were incomplete or unreadable. File a new claim with all the "
                "documents."
            )
        )
        text = main.inner_text()
        assert rupiah(claim.net, "id") not in text and id_text("Paid by") not in text
        assert not re.search(id_text("Your appointment: %(kind)s, %(when)s.")[:12], text)
        fits_the_phone(page)
        violations += [f"{size}: {v}" for v in audit(page)]
        if size == "normal":
            large_text(page)
    assert not violations, "\n".join(violations)


def test_the_helpers_fields_appear_only_when_a_helper_fills_in(
    page: Page, live_server: LiveServer
) -> None:
    member_with_password(RINA, RINA_PHONE)
    log_in(page, live_server.url, RINA_PHONE)
    page.goto(live_server.url + "/klaim/")
    expect(page.locator(".stepper")).to_contain_text("dari 7")
    helper_fields = page.locator("#helper-fields")
    expect(helper_fields).to_be_hidden()
    page.locator("input[name=helper][value='1']").check()
    expect(helper_fields).to_be_visible()
    fits_the_phone(page)
    violations = audit(page)
    assert not violations, "\n".join(violations)
