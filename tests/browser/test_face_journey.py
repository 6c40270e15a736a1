"""The face step in a real browser on a phone: registration ending with a live face check
(sandbox "Mode uji"), a photo held to the camera until the face step locks, and the photo
form without JavaScript. Page weights and axe audits of the registration and face pages.

The camera videos are made for face.js's timing (static/web/face.js): after "Mulai
verifikasi wajah" it counts down 3 s and takes the frontal frame, then for each challenge
step counts down 2 s and takes two frames 0.4 s apart, i.e. frames at about +3.0, +5.0,
+5.4, +7.4 and +7.8 s. ``journey_video`` shows frontal 4 s → the member's left 2.4 s →
their right 3.6 s (a 10 s loop); the test presses the button just before the loop starts
again, so the frontal frame is taken in the frontal part, one "left" frame in the left part
and a later frame in the right part whatever the ±1 s drift. The challenge the page
issues is fixed to "turn left, then turn right" (the order the video shows).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from camera import letterbox, write_y4m
from django.core.management import call_command
from django.utils import timezone, translation
from playwright.sync_api import Browser, Page, expect

from cairkan.accounts import services
from cairkan.accounts.models import MemberAccount
from cairkan.biometrics import runtime
from cairkan.biometrics import services as face_services
from cairkan.biometrics.engine import decode_image
from cairkan.biometrics.engine.matching import reference_embedding
from cairkan.biometrics.messages import LOCKED, OUTCOMES
from cairkan.biometrics.models import (
    FaceAttempt,
    FaceEnrolment,
    FaceStep,
    LivenessChallenge,
    Purpose,
)
from sent_messages import last_code

pytestmark = pytest.mark.browser

FACES = Path(__file__).resolve().parent.parent / "fixtures" / "faces"
RINA = {
    "nik": "6308056108979001",
    "kpj": "23000000101",
    "full_name": "Rina Maulida",
    "birth_date": "1997-08-21",
    "mother_maiden_name": "Siti Rahmah",
}
PHONE = "081234500001"
STRONG = "Padi-Kuning-Amuntai-77"
STEPS = ("turn_left", "turn_right")
LOOP_SECONDS = 10.0
# Page weights measured by the tests, printed at the end of the session (-s / -rA).
WEIGHTS: dict[str, dict[str, Any]] = {}


def indonesian(text: object) -> str:
    with translation.override("id"):
        return str(text)


def id_text(msgid: str) -> str:
    with translation.override("id"):
        return translation.gettext(msgid)


@pytest.fixture(autouse=True)
def personas(transactional_db: None) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=timezone.localdate())


@pytest.fixture(autouse=True)
def fixed_challenge(monkeypatch: pytest.MonkeyPatch) -> None:
    """The challenge the page issues is "turn left, then turn right" (what the videos
    show); the live server runs in this process, so the patch reaches it."""
    monkeypatch.setattr(face_services, "random_challenge", lambda rng=None, length=2: STEPS)


@pytest.fixture(scope="session")
def journey_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Frontal 4 s → the member's left 2.4 s → their right 3.6 s, looping (5 fps)."""
    frontal = letterbox("obama.jpg")
    left = letterbox("obama2.jpg", mirror=True)
    right = letterbox("obama2.jpg")
    frames = [frontal] * 20 + [left] * 12 + [right] * 18  # 0.2 s each
    return write_y4m(
        tmp_path_factory.mktemp("camera") / "journey.y4m", frames, fps=5, seconds_per_frame=0.2
    )


@pytest.fixture(scope="session")
def journey_browser(browser_for: Callable[[Path], Browser], journey_video: Path) -> Browser:
    return browser_for(journey_video)


def audit(page: Page) -> list[str]:
    """axe's violations on the page, one line each (id: help, affected nodes)."""
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["html"][:120] for node in v["nodes"])
        for v in results.response["violations"]
    ]


WEIGHT_JS = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource")
    .filter((r) => r.initiatorType !== "fetch" && r.initiatorType !== "xmlhttprequest");
  const all = [nav, ...resources];
  return {
    entries: all.map((r) => [r.name, r.initiatorType, r.transferSize, r.encodedBodySize]),
    requests: all.length,
    transfer: all.reduce((sum, r) => sum + r.transferSize, 0),
    body: all.reduce((sum, r) => sum + r.encodedBodySize, 0),
  };
}
"""


def weigh(page: Page, name: str) -> dict[str, Any]:
    page.wait_for_load_state("load")
    weight: dict[str, Any] = page.evaluate(WEIGHT_JS)
    WEIGHTS[name] = weight
    return weight


@pytest.fixture(scope="module", autouse=True)
def report_weights() -> Iterator[None]:
    yield
    for name, weight in WEIGHTS.items():
        print(
            f"\npage weight {name}: {weight['requests']} requests, "
            f"{weight['transfer']} B transferred, {weight['body']} B bodies"
            f" {weight['entries']}"
        )


def fill_identity(page: Page) -> None:
    for name, value in RINA.items():
        page.locator(f"[name={name}]").fill(value)


def start_in_phase(page: Page) -> None:
    """Press "start" just before the camera video loops back to its frontal part."""
    page.wait_for_function("document.getElementById('video').videoWidth > 0")
    page.evaluate(
        """async (loop) => {
          const video = document.getElementById("video");
          while (true) {
            const phase = video.currentTime % loop;
            if (phase > loop - 0.5 && phase < loop - 0.2) break;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          document.getElementById("start").click();
        }""",
        LOOP_SECONDS,
    )


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


def enrolled_rina() -> MemberAccount:
    """Rina registered and enrolled (services, as on another day)."""
    registration = services.registration_start(
        **{**RINA, "birth_date": date.fromisoformat(RINA["birth_date"])}
    )
    services.registration_send_code(registration=registration, channel="sms", destination=PHONE)
    services.registration_verify_code(
        registration=registration, channel="sms", code=last_code(PHONE)
    )
    account = services.registration_set_password(registration=registration, password=STRONG)
    participant = account.participant
    engine = runtime.engine()
    reference = reference_embedding(engine, decode_image((FACES / "obama.jpg").read_bytes()))
    challenge = face_services.challenge_issue(participant=participant, purpose=Purpose.ENROLMENT)
    frames = [
        (FACES / "obama.jpg").read_bytes(),
        _jpeg(letterbox("obama2.jpg", mirror=True)),
        _jpeg(letterbox("obama2.jpg")),
    ]
    verdict = face_services.enrolment_submit(
        participant=participant,
        challenge_id=challenge.pk,
        frames=frames,
        registry_reference=reference,
    )
    assert verdict.outcome == "passed", verdict
    return account


def _jpeg(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_a_photo_held_to_the_camera_fails_three_times_then_the_face_step_locks(
    static_page: Page, live_server: Any
) -> None:
    account = enrolled_rina()
    page = static_page
    # An enrolled member who lost their password: identity, then the live face check
    # against the enrolled face (the face step a registered member meets on the site).
    page.goto(live_server.url + "/pulihkan/")
    fill_identity(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"^[^?]*/pulihkan/wajah/$"))
    expect(page.get_by_text(id_text("You have %(left)s tries left.") % {"left": 3})).to_be_visible()

    failed = indonesian(OUTCOMES["failed_liveness"])
    result = page.locator("#result")
    start = page.locator("#start")
    for left in (2, 1):
        page.wait_for_function("document.getElementById('video').videoWidth > 0")
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
    page.goto(live_server.url + "/pulihkan/wajah/")
    expect(page).to_have_url(re.compile(r"^[^?]*/wajah/terkunci/$"))
    weigh(page, "face locked (/wajah/terkunci/)")
    violations = audit(page)
    assert not violations, "\n".join(violations)
    assert not LivenessChallenge.objects.filter(
        participant=account.participant, used_at__isnull=True, issued_at__gt=timezone.now()
    ).exists()


def test_without_javascript_the_face_page_takes_three_photos(
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
    page.goto(live_server.url + "/masuk/")
    page.locator("[name=identifier]").fill(PHONE)
    page.locator("[name=password]").fill(STRONG)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    if "/masuk/kode/" in page.url:  # a new device: the code sent by SMS
        page.locator("[name=code]").fill(last_code(PHONE))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
    page.goto(live_server.url + "/daftar/wajah/")
    expect(page).to_have_url(re.compile(r"^[^?]*/daftar/wajah/$"))
    weigh(page, "face (/daftar/wajah/, no JavaScript)")

    expect(page.locator("#camera")).to_be_hidden()
    fallback = page.get_by_role("group", name=id_text("Take three photos of yourself"))
    expect(fallback).to_be_visible()
    inputs = fallback.locator("input[type=file]")
    expect(inputs).to_have_count(3)
    for index in range(3):
        expect(inputs.nth(index)).to_have_attribute("capture", "user")
        expect(inputs.nth(index)).to_have_attribute("accept", "image/*")
    expect(
        fallback.get_by_label(re.compile(id_text("Look straight at the camera")))
    ).to_be_visible()
    expect(
        page.get_by_label(id_text("Test mode: use my photo as the Dukcapil photo"))
    ).to_be_checked()

    pictures = [
        (FACES / "obama.jpg").read_bytes(),
        _jpeg(letterbox("obama2.jpg", mirror=True)),
        _jpeg(letterbox("obama2.jpg")),
    ]
    photos = [
        {"name": f"frame_{n}.jpg", "mimeType": "image/jpeg", "buffer": data}
        for n, data in enumerate(pictures)
    ]
    for index, photo in enumerate(photos):
        inputs.nth(index).set_input_files(photo)
    with page.expect_navigation():
        page.get_by_role("button", name=id_text("Send the photos")).click()

    # The verdict comes back as a page: the account page with the verified message.
    expect(page).to_have_url(re.compile(r"^[^?]*/akun/$"))
    expect(page.get_by_text(indonesian(OUTCOMES["passed"]))).to_be_visible()
    assert FaceEnrolment.objects.filter(participant__nik=RINA["nik"]).exists()
