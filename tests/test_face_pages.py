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
from django.db import DatabaseError
from django.db.models import F
from django.test import Client
from django.utils import timezone, translation
from PIL import Image, ImageEnhance

from cairkan.accounts import services
from cairkan.accounts.models import MemberAccount, Registration
from cairkan.biometrics import runtime
from cairkan.biometrics import services as biometric_services
from cairkan.biometrics.engine import decode_image
from cairkan.biometrics.engine.matching import reference_embedding
from cairkan.biometrics.messages import COACHING, ERRORS, OUTCOMES, STEPS
from cairkan.biometrics.models import (
    ChallengePrompt,
    FaceAttempt,
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


def a_moment_later(challenge: LivenessChallenge) -> None:
    """As if the member took a few seconds to follow the prompt on the screen."""
    ChallengePrompt.objects.filter(challenge=challenge).update(
        revealed_at=F("revealed_at") - timedelta(seconds=5)
    )


def post_prompt(
    client: Client, challenge: LivenessChallenge, prompt: dict, frames: list[bytes], **extra
):
    data = {
        "purpose": challenge.purpose,
        "challenge_id": str(challenge.pk),
        "step": str(prompt["index"]),
        "nonce": prompt["nonce"],
        "frames": files(frames),
    }
    return client.post("/wajah/kirim/", {**data, **extra}, **JSON)


def submit(client: Client, challenge: LivenessChallenge, frames: list, **extra):
    """Answer each prompt as the page reveals it: ``frames`` holds one frame (or a list)
    per prompt, looking straight first. The verdict, or the first refusal."""
    latest = ChallengePrompt.objects.filter(challenge=challenge).latest("index")
    prompt = {"index": latest.index, "nonce": latest.nonce}
    for group in frames:
        a_moment_later(challenge)
        response = post_prompt(
            client, challenge, prompt, group if isinstance(group, list) else [group], **extra
        )
        body = response.json()
        if body.get("outcome") != "next":
            return response
        prompt = body["prompt"]
    return response


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


def test_a_failed_tester_capture_plants_no_registry_photo(client: Client, member) -> None:
    """Only a passed enrolment may make the tester's face the sandbox registry photo."""
    challenge = issued(member, "/daftar/wajah/", client)
    response = submit(client, challenge, STATIC, tester="1")
    assert response.json()["outcome"] != "passed"
    assert not SandboxRegistryRecord.objects.get(nik=RINA["nik"]).photo_jpeg
    assert Registration.objects.get(participant=member.participant).step == "face"


def test_enrolment_registration_and_registry_photo_are_written_together(
    client: Client, member, monkeypatch
) -> None:
    """If the enrolment's event cannot be written, nothing of the enrolment stays."""
    real_event = biometric_services._event

    def failing_event(participant, kind, *args, **kwargs):
        if kind == "enrolled":
            raise DatabaseError("disk full")
        return real_event(participant, kind, *args, **kwargs)

    monkeypatch.setattr(biometric_services, "_event", failing_event)
    challenge = issued(member, "/daftar/wajah/", client)
    with pytest.raises(DatabaseError):
        submit(client, challenge, LIVE, tester="1")
    assert not FaceEnrolment.objects.filter(participant=member.participant).exists()
    assert not SandboxRegistryRecord.objects.get(nik=RINA["nik"]).photo_jpeg
    assert Registration.objects.get(participant=member.participant).step == "face"


def test_without_a_registry_photo_and_no_tester_mode_the_member_is_told(
    client: Client, member
) -> None:
    challenge = issued(member, "/daftar/wajah/", client)
    response = submit(client, challenge, LIVE)
    assert response.status_code == 409
    assert "Dukcapil" in response.json()["message"]
    assert response.json()["challenge"]["prompt"]["text"]


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
    first = ChallengePrompt.objects.get(challenge=challenge, index=0)
    page = client.post(
        "/wajah/kirim/",
        {
            "purpose": "enrolment",
            "challenge_id": str(challenge.pk),
            "step": "0",
            "nonce": first.nonce,
            "frames": SimpleUploadedFile("a.jpg", pdf),
        },
    )
    assert page.status_code == 400 and "JPEG" in page.content.decode()


def test_the_photo_form_without_javascript_enrols(client: Client, member) -> None:
    SandboxRegistryRecord.objects.filter(nik=RINA["nik"]).update(photo_jpeg=raw("obama3.jpg"))
    challenge = issued(member, "/daftar/wajah/", client)
    html = client.get("/daftar/wajah/").content.decode()  # the page a member sees
    challenge = LivenessChallenge.objects.filter(participant=member.participant).latest("issued_at")
    LivenessChallenge.objects.filter(pk=challenge.pk).update(steps=["turn_left", "turn_right"])
    texts = []
    for number, photo in enumerate(files(LIVE), start=1):
        # One photo per page: the instruction is on the page, the next one after sending.
        assert f"Foto {number} dari 3" in html
        texts.append(re.search(r'<label for="frame">([^<]+)</label>', html).group(1))
        fields = {
            name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
            for name in ("purpose", "challenge_id", "step", "nonce")
        }
        a_moment_later(challenge)
        response = client.post("/wajah/kirim/", {**fields, "frames": photo})
        html = response.content.decode()
    assert texts == [
        indonesian(STEPS["front"]),
        indonesian(STEPS["turn_left"]),
        indonesian(STEPS["turn_right"]),
    ]
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


def test_the_admin_shows_the_face_step_but_never_opens_it(client: Client, account) -> None:
    """Opening a locked face step is the face desk's (/kantor/wajah/: the checklist at the
    booked time, test_face_desk.py); the admin's note-only shortcut is gone."""
    officer = staff_user("petugas", role="Penyelia")
    step = FaceStep.objects.create(
        participant=account.participant, counted_failures=3, locked_at=timezone.now()
    )
    client.force_login(officer)
    url = "/admin/biometrics/facestep/"
    action = {"action": "open_by_video_call", "_selected_action": [str(step.pk)]}
    client.post(url, {**action, "apply": "1", "note": "e-KTP dicek lewat video"})
    step.refresh_from_db()
    assert step.locked_at is not None
    assert not FaceEvent.objects.filter(participant=account.participant, kind="unlocked").exists()
    change = client.get(f"{url}{step.pk}/change/").content.decode()
    assert 'name="locked_at"' not in change  # read-only: no direct edit of the lock
    for model in (
        "faceevent",
        "faceattempt",
        "unlockbooking",
        "faceenrolment",
        "livenesschallenge",
        "deskcheck",
        "facereview",
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


# Issue 9 M4: the checks that cost nothing come before any frame is read or decoded and
# before the engine runs (12 heavy frames with a used challenge cost 10 s of CPU).


def forbid_engine(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Spies on the engine and on decoding: a refusal must not reach either."""
    calls: list[str] = []

    def engine() -> None:
        calls.append("engine")
        raise AssertionError("the engine ran")

    def decode(data: bytes, *args: object, **kwargs: object) -> None:
        calls.append("decode")
        raise AssertionError("a frame was decoded")

    from cairkan.biometrics import services as face_services
    from cairkan.web import face as face_pages

    monkeypatch.setattr(runtime, "engine", engine)
    monkeypatch.setattr(face_services, "decode_image", decode)
    monkeypatch.setattr(face_pages, "decode_image", decode)
    return calls


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return forbid_engine(monkeypatch)


def test_a_used_challenge_at_its_last_prompt_is_refused_before_any_work(
    client: Client, member, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the engine would run: the last prompt, with frames ready to judge."""
    SandboxRegistryRecord.objects.filter(nik=RINA["nik"]).update(photo_jpeg=raw("obama3.jpg"))
    challenge = issued(member, "/daftar/wajah/", client)
    last = submit(client, challenge, LIVE[:2]).json()["prompt"]  # look straight, turn left
    assert last["last"] is True
    calls = forbid_engine(monkeypatch)
    LivenessChallenge.objects.filter(pk=challenge.pk).update(used_at=timezone.now())
    a_moment_later(challenge)
    heavy = [raw("obama.jpg")] * 4
    used = post_prompt(client, challenge, last, heavy)
    assert (used.status_code, used.json()["code"]) == (409, "challenge_used")
    LivenessChallenge.objects.filter(pk=challenge.pk).update(used_at=None)
    FaceStep.objects.create(
        participant=member.participant, counted_failures=3, locked_at=timezone.now()
    )
    assert post_prompt(client, challenge, last, heavy).json()["outcome"] == "locked"
    assert calls == []
    assert not FaceAttempt.objects.exists()


def test_an_unknown_used_or_locked_challenge_is_refused_before_any_work(
    client: Client, member, no_engine: list[str]
) -> None:
    SandboxRegistryRecord.objects.filter(nik=RINA["nik"]).update(photo_jpeg=raw("obama3.jpg"))
    challenge = issued(member, "/daftar/wajah/", client)
    heavy = [raw("obama.jpg")] * 12
    first = ChallengePrompt.objects.get(challenge=challenge)
    prompt = {"index": 0, "nonce": first.nonce}
    a_moment_later(challenge)
    unknown = client.post(
        "/wajah/kirim/",
        {
            "purpose": "enrolment",
            "challenge_id": "00000000-0000-0000-0000-000000000000",
            "step": "0",
            "nonce": first.nonce,
            "frames": files(heavy),
        },
        **JSON,
    )
    assert (unknown.status_code, unknown.json()["code"]) == (409, "challenge_unknown")
    LivenessChallenge.objects.filter(pk=challenge.pk).update(used_at=timezone.now())
    used = post_prompt(client, challenge, prompt, heavy)
    assert (used.status_code, used.json()["code"]) == (409, "challenge_used")
    fresh = issued(member, "/daftar/wajah/", client)
    FaceStep.objects.create(
        participant=member.participant, counted_failures=3, locked_at=timezone.now()
    )
    a_moment_later(fresh)
    fresh_prompt = ChallengePrompt.objects.get(challenge=fresh)
    locked = post_prompt(client, fresh, {"index": 0, "nonce": fresh_prompt.nonce}, heavy)
    assert locked.json()["outcome"] == "locked"
    assert no_engine == []
    assert not FaceAttempt.objects.exists()


def test_too_many_frames_are_refused_before_any_is_decoded(
    client: Client, member, no_engine: list[str]
) -> None:
    SandboxRegistryRecord.objects.filter(nik=RINA["nik"]).update(photo_jpeg=raw("obama3.jpg"))
    challenge = issued(member, "/daftar/wajah/", client)
    a_moment_later(challenge)
    first = ChallengePrompt.objects.get(challenge=challenge)
    response = post_prompt(
        client, challenge, {"index": 0, "nonce": first.nonce}, [raw("obama.jpg")] * 13
    )
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_frames"
    assert response.json()["message"] == indonesian(ERRORS["too_many_frames"])
    assert no_engine == []
    assert LivenessChallenge.objects.get(pk=challenge.pk).used_at is None
    assert first.frames.count() == 0


def test_frames_past_the_limit_are_counted_but_not_kept(rf) -> None:
    """The counter sees every file part as it begins; past four it keeps no contents."""
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from cairkan.biometrics.frames import count_frames, frame_parts

    body = encode_multipart(BOUNDARY, {"challenge_id": "x", "frames": files([DARK] * 13)})
    request = rf.generic("POST", "/wajah/kirim/", body, content_type=MULTIPART_CONTENT)
    counter = count_frames(request)
    assert request.POST["challenge_id"] == "x"
    assert len(request.FILES.getlist("frames")) == 4
    assert counter.parts == frame_parts(request) == 13


def test_the_submit_endpoint_still_checks_csrf(account) -> None:
    """face_submit puts the frame counter first and checks CSRF itself after it."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(account.user)
    page = browser.get("/daftar/wajah/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    data = {"purpose": "enrolment", "challenge_id": "x", "frames": files([DARK])}
    refused = browser.post("/wajah/kirim/", data, **JSON)
    assert refused.status_code == 403
    assert refused.get("Content-Type", "").startswith("text/html")  # CSRF's page, not ours
    checked = browser.post("/wajah/kirim/", data, HTTP_X_CSRFTOKEN=token.group(1), **JSON)
    assert (checked.status_code, checked.json()["code"]) == (409, "challenge_unknown")
