"""The claim's face check through the API, with real photos: a live capture passes and
opens filing, a dark one is a retake that never counts, a photo held still fails and
three such failures lock the face step; every refusal is a problem with a message."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from cairkan.biometrics import services as face_services
from cairkan.biometrics.models import FaceAttempt, FaceEnrolment, FaceStep, LivenessChallenge
from cairkan.members.models import Participant
from test_api import PHONE, api, rina  # noqa: F401  (fixtures)
from test_face_policy import DARK, LIVE, STATIC, embedding_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def turn_left_then_right(monkeypatch: pytest.MonkeyPatch) -> None:
    """The challenge the API issues is the one the LIVE frames perform."""
    monkeypatch.setattr(
        face_services, "random_challenge", lambda rng=None, length=2: ("turn_left", "turn_right")
    )


@pytest.fixture
def enrolled(rina: Participant) -> Participant:  # noqa: F811
    FaceEnrolment.objects.create(
        participant=rina, embedding=embedding_of("obama3.jpg").tobytes(), registry_distance=0.3
    )
    return rina


def challenge_id(client: Client) -> str:
    response = client.post("/api/face/challenges")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [step["code"] for step in body["steps"]] == ["turn_left", "turn_right"]
    assert all(step["text"] for step in body["steps"])
    return str(body["id"])


def verify(client: Client, frames: list[bytes], challenge: str | None = None) -> HttpResponse:
    files = [SimpleUploadedFile(f"f{i}.jpg", data, "image/jpeg") for i, data in enumerate(frames)]
    data = {"challenge_id": challenge or challenge_id(client), "frames": files}
    return client.post("/api/face/verifications", data)


def test_a_live_capture_passes_and_opens_filing(api: Client, enrolled: Participant) -> None:  # noqa: F811
    response = verify(api, LIVE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["outcome"], body["counted"], body["locked"]) == ("passed", False, False)
    assert body["message"]
    assert FaceAttempt.objects.filter(participant=enrolled, purpose="claim", outcome="passed")


def test_a_dark_capture_is_coached_and_never_counts(api: Client, enrolled: Participant) -> None:  # noqa: F811
    body = verify(api, DARK).json()
    assert (body["outcome"], body["counted"], body["failures_left"]) == ("retake", False, 3)
    assert body["coaching"]


def test_a_photo_held_still_fails_three_times_then_the_step_locks(
    api: Client,  # noqa: F811
    enrolled: Participant,
) -> None:
    left = [verify(api, STATIC).json()["failures_left"] for _ in range(3)]
    assert left == [2, 1, 0]
    refused = api.post("/api/face/challenges")
    assert refused.status_code == 409 and refused.json()["code"] == "face_locked"
    assert "3" in refused.json()["message"]


def test_refusals_are_problems_with_messages(api: Client, rina: Participant) -> None:  # noqa: F811
    not_enrolled = api.post("/api/face/challenges")
    assert (not_enrolled.status_code, not_enrolled.json()["code"]) == (409, "not_enrolled")
    FaceEnrolment.objects.create(
        participant=rina, embedding=embedding_of("obama3.jpg").tobytes(), registry_distance=0.3
    )
    unknown = verify(api, LIVE, challenge="00000000-0000-0000-0000-000000000000")
    assert (unknown.status_code, unknown.json()["code"]) == (409, "challenge_unknown")
    used = challenge_id(api)
    assert verify(api, LIVE, challenge=used).status_code == 200
    again = verify(api, LIVE, challenge=used)
    assert (again.status_code, again.json()["code"]) == (409, "challenge_used")
    garbage = verify(api, [b"not a photo"] * 3)
    assert (garbage.status_code, garbage.json()["code"]) == (400, "invalid_capture")
    for response in (not_enrolled, unknown, again, garbage):
        assert response.json()["message"]
    missing = api.post("/api/face/verifications", {"challenge_id": challenge_id(api)})
    assert missing.status_code == 422 and missing.json()["field"] == "frames"


def test_a_used_or_locked_challenge_is_refused_before_the_engine_runs(
    api: Client,  # noqa: F811
    enrolled: Participant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 9 M4: cheap checks first, then at most the allowed frames, then the engine."""
    calls: list[str] = []
    monkeypatch.setattr(face_services.runtime, "engine", lambda: calls.append("engine"))
    monkeypatch.setattr(face_services, "decode_image", lambda data: calls.append("decode"))
    used = challenge_id(api)
    LivenessChallenge.objects.filter(pk=used).update(used_at=timezone.now())
    heavy = [LIVE[0]] * 12
    refused = verify(api, heavy, challenge=used)
    assert (refused.status_code, refused.json()["code"]) == (409, "challenge_used")
    fresh = challenge_id(api)
    too_many = verify(api, [LIVE[0]] * 13, challenge=fresh)
    assert (too_many.status_code, too_many.json()["code"]) == (400, "too_many_frames")
    FaceStep.objects.create(participant=enrolled, counted_failures=3, locked_at=timezone.now())
    locked = verify(api, heavy, challenge=fresh)
    assert (locked.status_code, locked.json()["code"]) == (409, "face_locked")
    assert calls == []
    assert not FaceAttempt.objects.exists()
