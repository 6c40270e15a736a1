"""Issue 13.2 end to end in Debian Chromium: a member locked after three counted failures
has a video call booked; the verifier opens the face desk, is refused before the booked
time, runs the checklist at the booked time and unlocks; the member then passes the
claim's face check on the phone's (fake) camera. axe reports no violations on the desk's
pages, the review queue and a review included."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import journeys
import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from journeys import FACES, PHONE, enrolled_rina, log_in, start_in_phase
from playwright.sync_api import Browser, Page, expect
from test_backoffice_journey import audit, code_for, sign_in

from backoffice_staff import branches, officer
from cairkan.biometrics.models import FaceAttempt, UnlockBooking
from cairkan.biometrics.services import face_status
from cairkan.integrations.models import SandboxRegistryRecord
from cairkan.members.models import Participant
from face_desk_objects import borderline_review, locked_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESK = {"viewport": {"width": 1280, "height": 800}}

report_weights = pytest.fixture(scope="module", autouse=True)(journeys.report_weights)


@pytest.fixture(autouse=True)
def _challenge(fixed_challenge: None) -> None:
    """The member's face page issues the challenge the camera video shows."""


def test_the_verifier_unlocks_at_the_booked_time_then_the_member_passes(
    new_page: Callable[..., Page], journey_browser: Browser, live_server: Any
) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=timezone.localdate())
    rina = enrolled_rina().participant
    photo = (FACES / "obama.jpg").read_bytes()
    SandboxRegistryRecord.objects.filter(nik=rina.nik).update(photo_jpeg=photo)
    locked_step(rina)
    booking = UnlockBooking.objects.create(
        participant=rina, starts_at=timezone.now() + timedelta(hours=1)
    )
    # Another member of the branch waits in the review band (not Rina: she would wait).
    other = (
        Participant.objects.exclude(pk=rina.pk)
        .filter(memberships__employer__district_code__startswith="63.08.")
        .first()
    )
    SandboxRegistryRecord.objects.filter(nik=other.nik).update(photo_jpeg=photo)
    waiting = borderline_review(other)
    amuntai, _other = branches()
    verifier = officer("ver", "Verifikator", posted=amuntai)
    device = TOTPDevice.objects.create(user=verifier, name="ponsel", confirmed=True)

    desk = new_page(**DESK)
    sign_in(desk, live_server.url, "uji-ver")
    desk.get_by_label("Kode", exact=True).fill(code_for(device))
    with desk.expect_navigation():
        desk.get_by_role("button", name="Masuk").click()
    with desk.expect_navigation():
        desk.get_by_role("link", name="Meja wajah").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Meja wajah")
    audit(desk)
    with desk.expect_navigation():
        desk.get_by_role("button", name=f"Mulai pemeriksaan {rina.full_name}").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(rina.full_name)
    registry_photo = desk.get_by_role("img", name="Foto Dukcapil peserta")
    expect(registry_photo).to_be_visible()
    audit(desk)

    def run_checklist() -> None:
        desk.get_by_label("e-KTP ditunjukkan: NIK dan fotonya milik peserta ini").check()
        for box in desk.locator("input[name=answered]").all():
            box.check()
        desk.get_by_label("Wajah langsung cocok dengan e-KTP dan foto Dukcapil").check()
        desk.get_by_label("Apa yang Anda periksa (disimpan bersama keputusan)").fill(
            "e-KTP asli ditunjukkan, jawaban benar, wajah sama"
        )
        with desk.expect_navigation():
            desk.get_by_role("button", name="Buka pemeriksaan wajah").click()

    run_checklist()  # an hour before the call
    expect(desk.locator(".notice")).to_contain_text("Waktu yang dijadwalkan belum tiba")
    assert face_status(participant=rina).locked
    # The booked time comes.
    UnlockBooking.objects.filter(pk=booking.pk).update(
        starts_at=timezone.now() - timedelta(minutes=1)
    )
    run_checklist()
    expect(desk.locator(".notice")).to_contain_text("Pemeriksaan wajah terbuka")
    audit(desk)
    assert not face_status(participant=rina).locked

    # The review band's pages, for the record of axe.
    with desk.expect_navigation():
        desk.get_by_role("link", name="Tinjauan wajah").click()
    audit(desk)
    with desk.expect_navigation():
        desk.get_by_role("link", name=f"Lihat foto {other.full_name}").click()
    expect(desk.locator("img.face-photo")).to_have_count(2)
    audit(desk)
    assert waiting.status == "pending"

    # The member tries again at once, on the phone's camera, and passes.
    phone = new_page(journey_browser)
    log_in(phone, live_server.url, PHONE, next_url="/klaim/wajah/")
    expect(phone).to_have_url(re.compile(r"/klaim/wajah/$"))
    start_in_phase(phone)
    # Passed: on to the next step (the bank page sends a draft without a reason back to it).
    expect(phone).to_have_url(re.compile(r"/klaim/(rekening|alasan)/$"), timeout=30_000)
    assert FaceAttempt.objects.filter(participant=rina, purpose="claim", outcome="passed").exists()
    assert face_status(participant=rina).failures_left == 3
