"""The face step in a real browser on a phone: registration ending with a live face check
(sandbox "Mode uji"), a photo held to the camera until the face step locks, and the photo
form without JavaScript. Page weights and axe audits of the registration and face pages.

The camera videos are made for face.js's timing (static/web/face.js): after "Mulai
verifikasi wajah" it counts down 3 s and takes the frontal frame, sends it and gets the
first step's prompt; then for each step it counts down 2 s and takes two frames 0.4 s
apart, sends them and gets the next prompt, i.e. frames at about +3.0, +5.0, +5.4, +7.4
and +7.8 s plus the round trips (tens of milliseconds here). ``journey_video`` shows
frontal 4 s → the member's left 2.4 s → their right 3.6 s (a 10 s loop); the test
presses the button just before the loop starts again, so the frontal frame is taken in
the frontal part, the "left" frames in the left part and the "right" frames in the right
part whatever the ±1 s drift. The challenge the page
issues is fixed to "turn left, then turn right" (the order the video shows).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import journeys
import pytest
from camera import letterbox
from django.core.management import call_command
from django.utils import timezone
from journeys import (
    FACES,
    PHONE,
    RINA,
    STRONG,
    audit,
    enrolled_rina,
    fill_identity,
    id_text,
    indonesian,
    jpeg,
    log_in,
    start_in_phase,
    weigh,
)
from playwright.sync_api import Browser, Page, expect

from cairkan.accounts import services
from cairkan.accounts.models import MemberAccount
from cairkan.biometrics.messages import LOCKED, OUTCOMES, STEPS
from cairkan.biometrics.models import (
    FaceAttempt,
    FaceEnrolment,
    FaceStep,
    LivenessChallenge,
)
from sent_messages import last_code

pytestmark = pytest.mark.browser

report_weights = pytest.fixture(scope="module", autouse=True)(journeys.report_weights)


@pytest.fixture(autouse=True)
def _challenge(fixed_challenge: None) -> None:
    """Every face page here issues the challenge the videos show."""


@pytest.fixture(autouse=True)
def personas(transactional_db: None) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=timezone.localdate())


def test_a_member_registers_and_enrols_their_face_on_a_phone(
    new_page: Callable[..., Page], journey_browser: Browser, live_server: Any
) -> None:
    page = new_page(journey_browser)
    violations: list[str] = []
    page.goto(live_server.url + "/daftar/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    weigh(page, "registration: identity (/daftar/)")
    violations += audit(page)
    fill_identity(page)
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Check my data")).click()

    expect(page).to_have_url(re.compile(r"^[^?]*/daftar/kontak/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(id_text("Your data matches"))
    weigh(page, "registration: contact (/daftar/kontak/)")
    violations += audit(page)
    page.locator("[name=destination]").fill(PHONE)
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Send me a code")).click()
    page.locator("[name=code]").fill(last_code(PHONE))
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Confirm the code")).click()

    expect(page).to_have_url(re.compile(r"^[^?]*/daftar/kata-sandi/$"))
    weigh(page, "registration: password (/daftar/kata-sandi/)")
    violations += audit(page)
    page.locator("[name=password]").fill(STRONG)
    page.locator("[name=password_again]").fill(STRONG)
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Save the password")).click()

    expect(page).to_have_url(re.compile(r"^[^?]*/daftar/wajah/$"))
    expect(page.get_by_text(id_text("Step 4 of 4: your face"))).to_be_visible()
    tester = page.get_by_role(
        "checkbox", name=id_text("Test mode: use my photo as the Dukcapil photo")
    )
    expect(tester).to_be_checked()
    start = page.get_by_role("button", name=id_text("Start the face check"))
    expect(start).to_be_visible()
    # The photo form is hidden while the camera works.
    expect(page.locator("#fallback")).to_be_hidden()
    weigh(page, "face (/daftar/wajah/, camera)")
    # Live coaching on the camera picture before the check starts.
    expect(page.locator("#coach")).not_to_be_empty()
    print("\ncoaching:", page.locator("#coach").text_content())
    violations += audit(page)

    start_in_phase(page)
    instruction = page.locator("#instruction")
    expect(instruction).to_contain_text(id_text("Look straight at the camera"))
    expect(instruction).to_contain_text(id_text("Turn your head slowly to your left"))
    expect(instruction).to_contain_text(id_text("Turn your head slowly to your right"))
    result = page.locator("#result")
    expect(result).to_have_text(indonesian(OUTCOMES["passed"]), timeout=30_000)
    account = MemberAccount.objects.get(participant__nik=RINA["nik"])
    enrolment = FaceEnrolment.objects.get(participant=account.participant)
    assert enrolment.tester_reference
    # Then the account page.
    expect(page).to_have_url(re.compile(r"^[^?]*/akun/$"))
    assert not violations, "\n".join(violations)


def test_a_photo_held_to_the_camera_fails_three_times_then_the_face_step_locks(
    static_page: Page, live_server: Any
) -> None:
    account = enrolled_rina()
    page = static_page
    # An enrolled member, logged in, at their claim's live face check against the
    # enrolled face. (Recovery's attempts, made without the member's session, have a
    # limit of their own and never lock this step: tests/test_identity_security.py.)
    log_in(page, live_server.url, PHONE)
    page.goto(live_server.url + "/klaim/wajah/")
    expect(page).to_have_url(re.compile(r"^[^?]*/klaim/wajah/$"))
    expect(page.get_by_text(id_text("You have %(left)s tries left.") % {"left": 3})).to_be_visible()

    failed = indonesian(OUTCOMES["failed_liveness"])
    result = page.locator("#result")
    start = page.locator("#start")
    for left in (2, 1):
        page.wait_for_function("() => document.getElementById('video').videoWidth > 0")
        expect(start).to_be_enabled()
        start.click()
        tries_left = id_text("You have %(left)s tries left.") % {"left": left}
        expect(result).to_contain_text(tries_left, timeout=30_000)
        expect(result).to_be_visible()
        expect(result).to_contain_text(failed)
        # The count at the top of the page follows.
        expect(page.locator("#failures-left")).to_have_text(tries_left)
        expect(start).to_have_text(id_text("Try again"))
        assert FaceStep.objects.get(participant=account.participant).counted_failures == 3 - left
    expect(start).to_be_enabled()
    start.click()
    locked = indonesian(LOCKED) % {"count": 3}
    expect(result).to_have_text(locked, timeout=30_000)
    expect(page).to_have_url(re.compile(r"^[^?]*/wajah/terkunci/$"))
    assert FaceAttempt.objects.filter(participant=account.participant, counted=True).count() == 3

    expect(page.get_by_role("heading", level=1)).to_have_text(id_text("Face check locked"))
    expect(page.get_by_text(locked)).to_be_visible()
    # 1. cooling-off: when the new round opens (WITA)
    expect(page.get_by_text(re.compile(r"WITA\.$")).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"pukul \d\d[.:]\d\d WITA")).first).to_be_visible()
    # 2. video-call slots to choose from
    expect(
        page.get_by_role("heading", name=id_text("2. A video call with an officer"))
    ).to_be_visible()
    assert page.locator("input[type=radio][name=starts_at]").count() > 0
    expect(page.get_by_role("button", name=id_text("Book the video call"))).to_be_visible()
    # 3. the office counter
    expect(page.get_by_role("heading", name=id_text("3. At the office counter"))).to_be_visible()
    expect(page.get_by_text(re.compile("Mall Pelayanan Publik Amuntai"))).to_be_visible()
    # The page again: still locked, no new challenge.
    page.goto(live_server.url + "/klaim/wajah/")
    expect(page).to_have_url(re.compile(r"^[^?]*/wajah/terkunci/$"))
    weigh(page, "face locked (/wajah/terkunci/)")
    violations = audit(page)
    assert not violations, "\n".join(violations)
    assert not LivenessChallenge.objects.filter(
        participant=account.participant, used_at__isnull=True, issued_at__gt=timezone.now()
    ).exists()


def test_without_javascript_the_face_page_takes_one_photo_per_prompt(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    registration = services.registration_start(
        **{**RINA, "birth_date": date.fromisoformat(RINA["birth_date"])}
    )
    services.registration_send_code(registration=registration, channel="sms", destination=PHONE)
    services.registration_verify_code(
        registration=registration, channel="sms", code=last_code(PHONE)
    )
    services.registration_set_password(registration=registration, password=STRONG)

    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, PHONE)
    page.goto(live_server.url + "/daftar/wajah/")
    expect(page).to_have_url(re.compile(r"^[^?]*/daftar/wajah/$"))
    weigh(page, "face (/daftar/wajah/, no JavaScript)")

    expect(page.locator("#camera")).to_be_hidden()
    expect(
        page.get_by_label(id_text("Test mode: use my photo as the Dukcapil photo"))
    ).to_be_checked()
    pictures = [
        (FACES / "obama.jpg").read_bytes(),
        jpeg(letterbox("obama2.jpg", mirror=True)),
        jpeg(letterbox("obama2.jpg")),
    ]
    prompts = [indonesian(STEPS[code]) for code in ("front", *journeys.STEPS)]
    for number, (picture, prompt) in enumerate(zip(pictures, prompts, strict=True), start=1):
        # One photo per page; the next instruction appears only after this one is sent.
        legend = id_text("Photo %(number)s of %(total)s") % {"number": number, "total": 3}
        fallback = page.get_by_role("group", name=legend)
        expect(fallback).to_be_visible()
        photo = fallback.get_by_label(prompt)
        expect(photo).to_have_attribute("capture", "user")
        expect(photo).to_have_attribute("accept", "image/*")
        for later in prompts[number:]:
            expect(page.get_by_text(later)).to_have_count(0)
        photo.set_input_files(
            {"name": f"frame_{number}.jpg", "mimeType": "image/jpeg", "buffer": picture}
        )
        # The member needs a moment to follow the instruction (at least a second).
        page.wait_for_timeout(1100)
        button = "Send the photos" if number == 3 else "Send this photo"
        with page.expect_navigation():
            page.get_by_role("button", name=id_text(button)).click()

    # The verdict comes back as a page: the account page with the verified message.
    expect(page).to_have_url(re.compile(r"^[^?]*/akun/$"))
    expect(page.get_by_text(indonesian(OUTCOMES["passed"]))).to_be_visible()
    assert FaceEnrolment.objects.filter(participant__nik=RINA["nik"]).exists()
