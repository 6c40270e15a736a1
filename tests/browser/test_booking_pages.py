"""The appointment page on a phone (issue 14.5): a day first, then that day's times,
without JavaScript, targets of at least 24×24 px at 360 px, axe with WCAG 2.2 AA clean;
and the member moves a booked appointment from the claim page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from cairkan.accounts.models import MemberAccount
from cairkan.claims import appointments
from cairkan.claims.models import Appointment, Claim
from cairkan.members.models import Participant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _audit(page: Page, audit_page: Page) -> None:
    """axe on the page ``page`` shows. axe is a script: it runs in ``audit_page``, a
    second page with JavaScript on and the same session (it cannot run where JavaScript
    is off)."""
    audit_page.goto(page.url)
    results = Axe().run(audit_page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()


def _small_targets(page: Page, selector: str) -> list[str]:
    boxes = page.locator(selector).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.textContent.trim().slice(0, 30), r.width, r.height]; })"
    )
    return [f"{text}: {w:.0f}×{h:.0f}" for text, w, h in boxes if w < 24 or h < 24]


def _member_with_a_booked_claim() -> tuple[Claim, str]:
    appointments.publish_capacity(
        first_day=timezone.localdate() + timedelta(days=1),
        working_days=5,
        kind="video",
        hours=(8, 15),
        seats=2,
    )
    participant = Participant.objects.create(
        nik="6308055204890001",
        full_name="Siti Rahmah",
        birth_date=date(1961, 4, 12),
        sex="F",
        mother_maiden_name="Ani",
    )
    user = get_user_model().objects.create_user(username="siti", password=None)
    MemberAccount.objects.create(user=user, participant=participant, phone="+6281234500001")
    claim = Claim.objects.create(
        participant=participant,
        reason="retirement",
        channel="online_assisted",
        balance=40_000_000,
        gross=40_000_000,
        tax=0,
        net=40_000_000,
        bank_code="002",
        account_number="005201000019001",
        account_holder="SITI RAHMAH",
        idempotency_key="k",
        payment_due=timezone.localdate() + timedelta(days=7),
    )
    first = appointments.free_slots(kind="video")[0].starts_at
    appointments.book(claim=claim, kind="video", starts_at=first)
    client = Client()
    client.force_login(user)
    return claim, client.cookies["sessionid"].value


def test_booking_a_day_then_a_time_at_360_px_without_javascript(
    new_page: Callable[..., Page], live_server
) -> None:
    claim, session = _member_with_a_booked_claim()
    page = new_page(java_script_enabled=False)
    audit_page = new_page()
    for context in (page.context, audit_page.context):
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    page.goto(f"{live_server.url}/klaim/{claim.public_id}/")
    expect(page.get_by_role("heading", name="Janji temu saya dengan petugas")).to_be_visible()
    _audit(page, audit_page)
    with page.expect_navigation():
        page.get_by_role("link", name="Ubah waktu").click()

    # Step one: only days, each a link; no time yet.
    expect(page.get_by_role("heading", name="1. Pilih hari")).to_be_visible()
    assert page.locator("input[name=starts_at]").count() == 0
    days = page.locator("ul.days a")
    assert days.count() == 5
    assert _small_targets(page, "ul.days a") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _audit(page, audit_page)

    with page.expect_navigation():
        days.nth(1).click()
    # Step two: that day's times only (08.00–15.00 every 30 minutes), a short page.
    times = page.locator("fieldset.slots label")
    assert times.count() == 15
    assert _small_targets(page, "fieldset.slots label") == []
    assert page.evaluate("document.documentElement.scrollHeight") < 2000
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _audit(page, audit_page)

    chosen = page.locator("fieldset.slots input").nth(3).get_attribute("value")
    times.nth(3).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Pesan waktu ini").click()

    assert page.url.split("#")[0].endswith(f"/klaim/{claim.public_id}/")
    appointment = Appointment.objects.get(claim=claim, state="booked")
    assert appointment.starts_at == datetime.fromisoformat(chosen or "")
    expect(page.get_by_text("Janji temu Anda pada")).to_be_visible()
    _audit(page, audit_page)
