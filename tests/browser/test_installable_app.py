"""The installable app in a real browser (Debian chromium at 360 px, issue 14.8): the
worker installs and the site passes Chromium's installability check; offline, the app
opens the member's last status, and only for that login; a step saved offline is sent
once when the connection returns, even after its page was closed; the offline page has
no axe violations; the weight budget holds with the worker's script counted."""

from __future__ import annotations

import re
from collections.abc import Callable

import journeys
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from journeys import STRONG, audit, id_text, log_in, weigh
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from cairkan.accounts.models import MemberAccount
from cairkan.biometrics.models import FaceEnrolment
from cairkan.claims import drafts
from cairkan.claims.models import ClaimDraft
from cairkan.claims.services import step_save
from cairkan.members.models import Participant

pytestmark = pytest.mark.browser
BUDGET = 150 * 1024  # bytes per member page (issue 14: "≤ 150 KB"), the worker included
report_weights = pytest.fixture(scope="module", autouse=True)(journeys.report_weights)
RINA, RINA_PHONE = "6308056108979001", "081234500001"
CONTROLLED = "() => navigator.serviceWorker.controller !== null"
QUEUED = (
    "async () => await new Promise((ok) => {"
    "  const open = indexedDB.open('cairkan-queue', 1);"
    "  open.onsuccess = () => open.result.transaction('saves').objectStore('saves')"
    "    .count().onsuccess = (e) => ok(e.target.result); })"
)
MEMBER_CACHES = "async () => (await caches.keys()).filter((n) => n.startsWith('cairkan-member-'))"


@pytest.fixture(autouse=True)
def personas(transactional_db: None) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=timezone.localdate())


def member(nik: str, phone: str) -> MemberAccount:
    """A registered member whose face is enrolled (both tested in the identity tests)."""
    participant = Participant.objects.get(nik=nik)
    user = get_user_model().objects.create_user(username=f"m{nik}", password=STRONG)
    account = MemberAccount.objects.create(
        user=user, participant=participant, phone="+62" + phone[1:]
    )
    FaceEnrolment.objects.create(
        participant=participant, embedding=bytes(128 * 8), registry_distance=0.3
    )
    return account


def controlled(page: Page) -> None:
    """Wait until the service worker controls the page (installed, activated, claimed)."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(CONTROLLED)


def test_the_installed_app_opens_offline_with_the_last_status_of_that_login_only(
    page: Page, live_server: LiveServer
) -> None:
    base = live_server.url
    rina = member(RINA, RINA_PHONE)
    log_in(page, base, RINA_PHONE, "/akun/")
    expect(page).to_have_url(re.compile(r"/akun/$"))
    controlled(page)

    # Installable: Chromium's own check finds nothing missing (manifest, icons, worker).
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito profiles, which never install: that one is ours.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    assert cdp.send("Page.getAppManifest")["errors"] == []

    page.goto(base + "/akun/")  # through the worker now: kept for offline use
    weight = weigh(page, "account (/akun/), with the worker")
    worker = page.evaluate("async () => (await (await fetch('/sw.js')).text()).length")
    assert weight["transfer"] + worker <= BUDGET, (weight, worker)
    assert len(page.evaluate(MEMBER_CACHES)) == 1

    # Offline, the installed app (start_url /akun/) opens with the last status.
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_text(rina.participant.full_name).first).to_be_visible()
    offline_note = id_text("You are offline. This page is as Cairkan last showed it on this phone.")
    expect(page.get_by_text(offline_note)).to_be_visible()
    # A page it did not keep: the offline page, which axe finds nothing wrong with.
    page.goto(base + "/klaim/dokumen/")
    expect(page.get_by_role("heading", name=id_text("You are offline"))).to_be_visible()
    assert audit(page) == []
    # Past the session's idle timeout the kept page is gone too.
    page.evaluate(
        """async () => {
          const name = (await caches.keys()).find((n) => n.startsWith('cairkan-member-'));
          const cache = await caches.open(name);
          await cache.put('/__cairkan/session', new Response(JSON.stringify({until: 0})));
        }"""
    )
    page.goto(base + "/akun/")
    expect(page.get_by_role("heading", name=id_text("You are offline"))).to_be_visible()
    expect(page.get_by_text(rina.participant.full_name)).to_have_count(0)
    assert page.evaluate(MEMBER_CACHES) == []

    # Back online, the page is kept again; logging out forgets it for the next person.
    page.context.set_offline(False)
    page.goto(base + "/akun/")
    assert len(page.evaluate(MEMBER_CACHES)) == 1
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Log out")).click()
    controlled(page)  # the landing page installs the worker again, empty
    assert page.evaluate(MEMBER_CACHES) == []
    page.context.set_offline(True)
    page.goto(base + "/akun/")
    expect(page.get_by_role("heading", name=id_text("You are offline"))).to_be_visible()
    expect(page.get_by_text(rina.participant.full_name)).to_have_count(0)


def reason_step(account: MemberAccount) -> ClaimDraft:
    """Rina's draft with "who" answered: the next screen asks for the reason."""
    participant = account.participant
    draft = drafts.draft_for(participant=participant)
    return step_save(
        participant=participant,
        draft=draft,
        step="who",
        answers={"helper": False},
        version=draft.version,
    )


def test_a_step_saved_offline_is_sent_once_when_the_connection_returns(
    page: Page, live_server: LiveServer
) -> None:
    base = live_server.url
    draft = reason_step(member(RINA, RINA_PHONE))
    log_in(page, base, RINA_PHONE, "/klaim/alasan/")
    expect(page).to_have_url(re.compile(r"/klaim/alasan/$"))
    controlled(page)
    page.goto(base + "/klaim/alasan/")

    page.context.set_offline(True)
    page.get_by_label(id_text("I resigned")).check()
    page.locator("main form button.primary[type=submit]").click()
    expect(page.locator("#offline")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/klaim/alasan/$"))
    draft.refresh_from_db()
    assert "reason" not in draft.data  # nothing reached the server
    page.wait_for_function(f"async () => (await ({QUEUED})()) === 1")  # waiting in the worker

    page.context.set_offline(False)
    expect(page).to_have_url(re.compile(r"/klaim/data/$"))
    saved = ClaimDraft.objects.get(pk=draft.pk)
    assert saved.data["reason"] == {"reason": "resignation"}
    assert saved.version == draft.version + 1  # saved once


def test_a_save_queued_offline_survives_closing_its_page(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    base = live_server.url
    draft = reason_step(member(RINA, RINA_PHONE))
    page = new_page()
    log_in(page, base, RINA_PHONE, "/klaim/alasan/")
    controlled(page)
    page.goto(base + "/klaim/alasan/")
    context = page.context
    context.set_offline(True)
    page.get_by_label(id_text("I resigned")).check()
    page.locator("main form button.primary[type=submit]").click()
    expect(page.locator("#offline")).to_be_visible()
    page.wait_for_function(f"async () => (await ({QUEUED})()) === 1")
    page.close()  # the member puts the phone away

    context.set_offline(False)
    later = context.new_page()
    later.goto(base + "/")  # opening Cairkan again sends what waited (or Background Sync did)
    later.wait_for_function(f"async () => (await ({QUEUED})()) === 0")
    saved = ClaimDraft.objects.get(pk=draft.pk)
    assert saved.data["reason"] == {"reason": "resignation"}
    assert saved.version == draft.version + 1


def test_the_next_login_on_a_shared_phone_never_sees_the_last_members_page(
    page: Page, live_server: LiveServer
) -> None:
    """Rina's session ends without a logout (cookies gone, as after the idle timeout);
    a relative logs in on the same phone: what the worker kept of Rina is gone."""
    base = live_server.url
    rina = member(RINA, RINA_PHONE)
    other = member("6308044502629001", "081234500009")
    log_in(page, base, RINA_PHONE, "/akun/")
    controlled(page)
    page.goto(base + "/akun/")
    first = page.evaluate(MEMBER_CACHES)
    assert len(first) == 1

    page.context.clear_cookies()
    log_in(page, base, "081234500009", "/akun/")
    expect(page).to_have_url(re.compile(r"/akun/$"))
    second = page.evaluate(MEMBER_CACHES)
    assert len(second) == 1 and second != first

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_text(other.participant.full_name).first).to_be_visible()
    expect(page.get_by_text(rina.participant.full_name)).to_have_count(0)
