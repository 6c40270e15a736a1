"""What the browser journeys share: the persona, axe audits, page weights in the browser,
pressing "start" in step with the fake camera, and an enrolled member made by services."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from camera import letterbox
from django.db.models import F
from django.utils import translation
from playwright.sync_api import Page

from cairkan.accounts import services
from cairkan.accounts.models import MemberAccount
from cairkan.biometrics import runtime
from cairkan.biometrics import services as face_services
from cairkan.biometrics.engine import decode_image
from cairkan.biometrics.engine.matching import reference_embedding
from cairkan.biometrics.models import ChallengePrompt, Purpose
from sent_messages import last_code

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


def report_weights() -> Iterator[None]:
    """Print the weights measured (use as a module-scoped autouse fixture)."""
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
    page.wait_for_function("() => document.getElementById('video').videoWidth > 0")
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
        jpeg(letterbox("obama2.jpg", mirror=True)),
        jpeg(letterbox("obama2.jpg")),
    ]
    prompt = face_services.challenge_prompt(challenge=challenge)
    for frame in frames[:-1]:  # one frame per prompt, each a moment after it was shown
        a_moment_later(challenge)
        prompt = face_services.prompt_answer(
            participant=participant,
            challenge_id=challenge.pk,
            index=prompt.index,
            nonce=prompt.nonce,
            frames=[frame],
        )
    a_moment_later(challenge)
    verdict = face_services.enrolment_submit(
        participant=participant,
        challenge_id=challenge.pk,
        index=prompt.index,
        nonce=prompt.nonce,
        frames=frames[-1:],
        registry_reference=reference,
    )
    assert verdict.outcome == "passed", verdict
    return account


def a_moment_later(challenge: Any) -> None:
    """As if the member took a few seconds to follow each prompt."""
    ChallengePrompt.objects.filter(challenge=challenge).update(
        revealed_at=F("revealed_at") - timedelta(seconds=5)
    )


def jpeg(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def log_in(page: Page, base: str, phone: str, next_url: str = "") -> None:
    """Log in at /masuk/, answering the new-phone code from the sent messages."""
    page.goto(base + "/masuk/" + (f"?next={next_url}" if next_url else ""))
    page.locator("[name=identifier]").fill(phone)
    page.locator("[name=password]").fill(STRONG)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    if "/masuk/kode/" in page.url:  # a new phone: the code sent by SMS
        page.locator("[name=code]").fill(last_code(phone))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
