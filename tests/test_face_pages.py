"""The face step pages with real photos: enrolment (tester mode in the sandbox), the
JSON endpoints, the photo form, the lock and its unlock paths, recovery, the admin."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from PIL import Image, ImageEnhance

from cairkan.accounts import services
from cairkan.accounts.models import MemberAccount, Registration
from cairkan.biometrics import runtime
from cairkan.biometrics.engine import decode_image
from cairkan.biometrics.engine.matching import reference_embedding
from cairkan.biometrics.messages import COACHING, OUTCOMES
from cairkan.biometrics.models import (
    FaceEnrolment,
    FaceEvent,
    FaceStep,
    LivenessChallenge,
    UnlockBooking,
)
from cairkan.integrations.models import SandboxRegistryRecord
from sent_messages import last_code
from staff_users import staff_user

pytestmark = pytest.mark.django_db
FACES = Path(__file__).parent / "fixtures" / "faces"
RINA = {
    "nik": "6308056108979001",
    "kpj": "23000000101",
    "full_name": "Rina Maulida",
    "birth_date": "1997-08-21",
    "mother_maiden_name": "Siti Rahmah",
}
PHONE = "+6281234500001"
STRONG = "Padi-Kuning-Amuntai-77"
JSON = {"HTTP_ACCEPT": "application/json"}


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def raw(name: str) -> bytes:
    return (FACES / name).read_bytes()


def flipped(name: str) -> bytes:
    return jpeg(Image.open(FACES / name).transpose(Image.Transpose.FLIP_LEFT_RIGHT))


LIVE = [raw("obama.jpg"), flipped("obama2.jpg"), raw("obama2.jpg")]  # turn left, then right
STATIC = [raw("obama.jpg")] * 3  # a photo held to the camera
DARK = jpeg(ImageEnhance.Brightness(Image.open(FACES / "obama.jpg")).enhance(0.2))


@pytest.fixture(autouse=True)
def personas() -> None:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))


@pytest.fixture
def account() -> MemberAccount:
    registration = services.registration_start(
        **{**RINA, "birth_date": date.fromisoformat(RINA["birth_date"])}
    )
    services.registration_send_code(registration=registration, channel="sms", destination=PHONE)
    services.registration_verify_code(
        registration=registration, channel="sms", code=last_code(PHONE)
    )
    return services.registration_set_password(registration=registration, password=STRONG)


@pytest.fixture
def member(client: Client, account: MemberAccount) -> MemberAccount:
    client.force_login(account.user)
    return account


def indonesian(text: object) -> str:
    with translation.override("id"):
        return str(text)


def issued(account: MemberAccount, page: str, client: Client) -> LivenessChallenge:
    """Open the face page (it issues a challenge) and fix the steps the photos show."""
    assert client.get(page).status_code == 200
    challenge = LivenessChallenge.objects.filter(participant=account.participant).latest(
        "issued_at"
    )
    LivenessChallenge.objects.filter(pk=challenge.pk).update(steps=["turn_left", "turn_right"])
    return challenge


def files(frames: list[bytes]) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"frame{n}.jpg", data, content_type="image/jpeg")
        for n, data in enumerate(frames)
    ]


def submit(client: Client, challenge: LivenessChallenge, frames: list[bytes], **extra):
    data = {
        "purpose": challenge.purpose,
        "challenge_id": str(challenge.pk),
        "frames": files(frames),
    }
    return client.post("/wajah/kirim/", {**data, **extra}, **JSON)


def test_enrolment_in_tester_mode_passes_with_a_live_capture(client: Client, member) -> None:
    challenge = issued(member, "/daftar/wajah/", client)
    response = submit(client, challenge, LIVE, tester="1")
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "passed"
    assert body["message"] == indonesian(OUTCOMES["passed"])
    assert body["redirect"] == "/akun/"
    enrolment = FaceEnrolment.objects.get(participant=member.participant)
    assert enrolment.tester_reference is True
    assert SandboxRegistryRecord.objects.get(nik=RINA["nik"]).photo_jpeg
    assert Registration.objects.get(participant=member.participant).step == "done"
    assert client.get("/daftar/wajah/")["Location"] == "/akun/"


def test_without_a_registry_photo_and_no_tester_mode_the_member_is_told(
    client: Client, member
) -> None:
    challenge = issued(member, "/daftar/wajah/", client)
    response = submit(client, challenge, LIVE)
    assert response.status_code == 409
    assert "Dukcapil" in response.json()["message"]
    assert response.json()["challenge"]["steps"][0]["text"]


def test_tester_mode_is_never_offered_with_another_registry(
    client: Client, member, settings
) -> None:
    settings.CAIRKAN_REGISTRY_GATEWAY = f"{__name__}.RealRegistry"
    from cairkan.integrations import loading

    loading.reset()
    html = client.get("/daftar/wajah/").content.decode()
    assert "Mode uji" not in html
    challenge = LivenessChallenge.objects.filter(participant=member.participant).latest("issued_at")
    response = submit(client, challenge, LIVE, tester="1")
    assert response.status_code == 409
    assert not FaceEnrolment.objects.exists()


class RealRegistry:
    """Stands in for a non-sandbox registry: knows the person, has no photo."""

    def __init__(self, **options: object) -> None:
        from cairkan.integrations.registry.sandbox import SandboxPopulationRegistry

        self.inner = SandboxPopulationRegistry()

    def lookup(self, nik: str):
        return self.inner.lookup(nik)


def test_a_static_photo_three_times_locks_and_the_locked_page_helps(client: Client, member) -> None:
    SandboxRegistryRecord.objects.filter(nik=RINA["nik"]).update(photo_jpeg=raw("obama3.jpg"))
    outcomes = []
    for _ in range(3):
        challenge = issued(member, "/daftar/wajah/", client)
        outcomes.append(submit(client, challenge, STATIC).json())
    assert [o["outcome"] for o in outcomes] == ["failed_liveness", "failed_liveness", "locked"]
    assert "2" in outcomes[0]["message"]  # tries left
    assert outcomes[2]["redirect"] == "/wajah/terkunci/"
    assert client.get("/daftar/wajah/")["Location"] == "/wajah/terkunci/"
    page = client.get("/wajah/terkunci/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Verifikasi wajah terkunci setelah 3 kali gagal" in html
    assert "Mall Pelayanan Publik Amuntai" in html
    assert 'type="radio" name="starts_at"' in html
    assert "WITA" in html  # when the new round opens
    account = client.get("/akun/")
    assert account.status_code == 200 and "/wajah/terkunci/" in account.content.decode()
    slot = re.search(r'name="starts_at" value="([^"]+)"', html).group(1)
    for _ in range(2):  # a double tap books once
        booked = client.post("/wajah/terkunci/", {"action": "book", "starts_at": slot})
        assert booked["Location"] == "/wajah/terkunci/"
    assert UnlockBooking.objects.filter(participant=member.participant).count() == 1
    assert "dijadwalkan" in client.get("/wajah/terkunci/").content.decode()


def test_after_the_waiting_time_the_member_opens_a_new_round(client: Client, member) -> None:
    FaceStep.objects.create(
        participant=member.participant,
        counted_failures=3,
        locked_at=timezone.now() - timedelta(hours=25),
    )
    html = client.get("/wajah/terkunci/").content.decode()
    assert 'value="cooling_off"' in html
    opened = client.post("/wajah/terkunci/", {"action": "cooling_off"})
    assert opened["Location"] == "/daftar/wajah/"
    assert FaceStep.objects.get(participant=member.participant).locked_at is None
    again = client.post("/wajah/terkunci/", {"action": "cooling_off"})
    assert again.status_code == 400  # not locked any more: explained, not a crash


def test_the_quality_endpoint_coaches_a_dark_frame(client: Client, member) -> None:
    frame = SimpleUploadedFile("coach.jpg", DARK, content_type="image/jpeg")
    response = client.post("/wajah/kualitas/", {"frame": frame})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and "too_dark" in body["codes"]
    assert body["message"] == indonesian(COACHING["too_dark"])
    assert not FaceEvent.objects.exists()  # coaching is never an attempt


def test_a_pdf_renamed_jpg_is_a_clear_400(client: Client, member) -> None:
    challenge = issued(member, "/daftar/wajah/", client)
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    SandboxRegistryRecord.objects.filter(nik=RINA["nik"]).update(photo_jpeg=raw("obama3.jpg"))
    response = submit(client, challenge, [pdf, pdf, pdf])
    assert response.status_code == 400
    assert "JPEG" in response.json()["message"]
    coach = client.post(
        "/wajah/kualitas/", {"frame": SimpleUploadedFile("x.jpg", pdf, "image/jpeg")}
    )
    assert coach.status_code == 400 and coach.json()["message"]
    # The photo form (no JavaScript) gets the page again with the message.
    page = client.post(
        "/wajah/kirim/",
        {
            "purpose": "enrolment",
            "challenge_id": str(challenge.pk),
            "frame_0": SimpleUploadedFile("a.jpg", pdf),
            "frame_1": SimpleUploadedFile("b.jpg", pdf),
            "frame_2": SimpleUploadedFile("c.jpg", pdf),
        },
    )
    assert page.status_code == 400 and "JPEG" in page.content.decode()


def test_the_photo_form_without_javascript_enrols(client: Client, member) -> None:
    SandboxRegistryRecord.objects.filter(nik=RINA["nik"]).update(photo_jpeg=raw("obama3.jpg"))
    challenge = issued(member, "/daftar/wajah/", client)
    photos = {f"frame_{n}": f for n, f in enumerate(files(LIVE))}
    response = client.post(
        "/wajah/kirim/", {"purpose": "enrolment", "challenge_id": str(challenge.pk), **photos}
    )
    assert response["Location"] == "/akun/"
    assert indonesian(OUTCOMES["passed"]) in client.get("/akun/").content.decode()
    enrolment = FaceEnrolment.objects.get(participant=member.participant)
    assert enrolment.tester_reference is False


def test_recovery_with_the_face_then_a_new_password(client: Client, account) -> None:
    reference = reference_embedding(runtime.engine(), decode_image(raw("obama3.jpg")))
    FaceEnrolment.objects.create(
        participant=account.participant, embedding=reference.tobytes(), registry_distance=0.3
    )
    assert client.post("/pulihkan/", RINA)["Location"] == "/pulihkan/wajah/"
    assert client.get("/pulihkan/kata-sandi/")["Location"] == "/pulihkan/wajah/"
    challenge = issued(account, "/pulihkan/wajah/", client)
    body = submit(client, challenge, LIVE).json()
    assert (body["outcome"], body["redirect"]) == ("passed", "/pulihkan/kata-sandi/")
    new = "Sungai-Tabalong-Hulu-88"
    sent = client.post(
        "/pulihkan/kata-sandi/", {"action": "send_code", "new_phone": "0812 3450 0002"}
    )
    assert sent.status_code == 200 and "+62812••••0002" in sent.content.decode()
    done = client.post(
        "/pulihkan/kata-sandi/",
        {
            "action": "finish",
            "password": new,
            "password_again": new,
            "new_phone": "0812 3450 0002",
            "phone_code": last_code("+6281234500002"),
        },
    )
    assert done["Location"] == "/akun/"
    account.refresh_from_db()
    account.user.refresh_from_db()
    assert account.phone == "+6281234500002" and account.user.check_password(new)
    assert "Rina Maulida" in client.get("/akun/").content.decode()


def test_recovery_refuses_a_member_without_a_face(client: Client, account) -> None:
    response = client.post("/pulihkan/", RINA)
    assert response.status_code == 400
    with translation.override("id"):
        from cairkan.accounts.messages import MESSAGES

        assert str(MESSAGES["recovery_needs_face"]) in response.content.decode()


def test_the_admin_opens_a_locked_face_step_with_a_note(client: Client, account) -> None:
    officer = staff_user("petugas", role="Penyelia")
    step = FaceStep.objects.create(
        participant=account.participant, counted_failures=3, locked_at=timezone.now()
    )
    client.force_login(officer)
    url = "/admin/biometrics/facestep/"
    action = {"action": "open_by_video_call", "_selected_action": [str(step.pk)]}
    asks = client.post(url, action)
    assert asks.status_code == 200 and 'name="note"' in asks.content.decode()
    done = client.post(url, {**action, "apply": "1", "note": "e-KTP dicek lewat video"})
    assert done.status_code == 302
    step.refresh_from_db()
    assert step.locked_at is None
    event = FaceEvent.objects.get(participant=account.participant, kind="unlocked")
    assert (event.acting_user, event.actor, event.reason) == (
        officer,
        "officer",
        "e-KTP dicek lewat video",
    )
    change = client.get(f"{url}{step.pk}/change/").content.decode()
    assert 'name="locked_at"' not in change  # read-only: no direct edit of the lock
    for model in (
        "faceevent",
        "faceattempt",
        "unlockbooking",
        "faceenrolment",
        "livenesschallenge",
    ):
        assert client.get(f"/admin/biometrics/{model}/").status_code == 200
    for model in ("memberaccount", "registration"):
        assert client.get(f"/admin/accounts/{model}/").status_code == 200


def test_a_registry_outage_during_enrolment_is_explained(client: Client, member) -> None:
    challenge = issued(member, "/daftar/wajah/", client)
    SandboxRegistryRecord.objects.filter(nik=RINA["nik"]).update(fault="unavailable")
    response = submit(client, challenge, LIVE, tester="1")
    assert response.status_code == 503
    with translation.override("id"):
        from cairkan.accounts.messages import MESSAGES

        assert response.json()["message"] == str(MESSAGES["registry_unavailable"])
    page = client.get("/daftar/wajah/")
    assert page.status_code == 200 and "Mode uji" not in page.content.decode()
    assert not FaceEnrolment.objects.exists()
