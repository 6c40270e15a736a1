"""The claim's face check through the API, with real photos: a live capture passes and
opens filing, a dark one is a retake that never counts, a photo held still fails and
three such failures lock the face step; every refusal is a problem with a message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from cairkan.biometrics import services as face_services
from cairkan.biometrics.messages import ERRORS as FACE_ERRORS
from cairkan.biometrics.models import (
    ChallengePrompt,
    FaceAttempt,
    FaceEnrolment,
    FaceStep,
    LivenessChallenge,
)
from cairkan.members.models import Participant
from test_api import PHONE, api, rina, unenrolled_api  # noqa: F401  (fixtures)
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
    """Rina enrolled with the face the LIVE frames show (``api`` enrolled a blank one)."""
    FaceEnrolment.objects.update_or_create(
        participant=rina,
        defaults={"embedding": embedding_of("obama3.jpg").tobytes(), "registry_distance": 0.3},
    )
    return rina


def a_moment_later(challenge_id: str) -> None:
    """As if the member took a few seconds to follow the prompt on the screen."""
    ChallengePrompt.objects.filter(challenge_id=challenge_id).update(
        revealed_at=F("revealed_at") - timedelta(seconds=5)
    )


def new_challenge(client: Client) -> dict:
    response = client.post("/api/face/challenges")
    assert response.status_code == 201, response.content
    body = response.json()
    prompt = body["prompt"]
    assert (prompt["index"], prompt["count"], prompt["code"], prompt["last"]) == (
        0,
        3,
        "front",
        False,
    )
    assert prompt["text"] and prompt["nonce"]
    assert "steps" not in body  # the movements stay on the server until their turn
    return body


def challenge_id(client: Client) -> str:
    return str(new_challenge(client)["id"])


def post_prompt(client: Client, challenge: str, prompt: dict, frames: list[bytes]) -> HttpResponse:
    files = [SimpleUploadedFile(f"f{i}.jpg", data, "image/jpeg") for i, data in enumerate(frames)]
    data = {
        "challenge_id": challenge,
        "step": prompt["index"],
        "nonce": prompt["nonce"],
        "frames": files,
    }
    return client.post("/api/face/verifications", data)


def verify(client: Client, frames: list, challenge: dict | None = None) -> HttpResponse:
    """Answer each prompt as it is revealed (one frame or a list per prompt, looking
    straight first): the verdict, or the first refusal."""
    challenge = challenge or new_challenge(client)
    prompt = challenge["prompt"]
    for group in frames:
        a_moment_later(challenge["id"])
        response = post_prompt(
            client, challenge["id"], prompt, group if isinstance(group, list) else [group]
        )
        if response.status_code != 202:
            return response
        body = response.json()
        assert body["outcome"] == "next" and body["prompt"]["index"] == prompt["index"] + 1
        prompt = body["prompt"]
    return response


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


def test_refusals_are_problems_with_messages(unenrolled_api: Client, rina: Participant) -> None:  # noqa: F811
    """The face step stays open to an unenrolled account, and says what it lacks."""
    member = unenrolled_api
    not_enrolled = member.post("/api/face/challenges")
    assert (not_enrolled.status_code, not_enrolled.json()["code"]) == (409, "not_enrolled")
    FaceEnrolment.objects.create(
        participant=rina, embedding=embedding_of("obama3.jpg").tobytes(), registry_distance=0.3
    )
    fake = {**new_challenge(member), "id": "00000000-0000-0000-0000-000000000000"}
    unknown = verify(member, LIVE, challenge=fake)
    assert (unknown.status_code, unknown.json()["code"]) == (409, "challenge_unknown")
    used = new_challenge(member)
    assert verify(member, LIVE, challenge=used).status_code == 200
    again = verify(member, LIVE, challenge=used)
    assert (again.status_code, again.json()["code"]) == (409, "challenge_used")
    garbage = verify(member, [b"not a photo"] * 3)
    assert (garbage.status_code, garbage.json()["code"]) == (400, "invalid_capture")
    for response in (not_enrolled, unknown, again, garbage):
        assert response.json()["message"]
    fresh = new_challenge(member)
    missing = member.post(
        "/api/face/verifications",
        {"challenge_id": fresh["id"], "step": 0, "nonce": fresh["prompt"]["nonce"]},
    )
    assert missing.status_code == 422 and missing.json()["field"] == "frames"
    old_client = member.post(  # the one-request capture of before: no prompt answered
        "/api/face/verifications",
        {
            "challenge_id": fresh["id"],
            "frames": [SimpleUploadedFile("f.jpg", LIVE[0], "image/jpeg")],
        },
    )
    assert old_client.status_code == 422 and old_client.json()["field"] in ("step", "nonce")


def test_frames_taken_without_reading_the_prompts_fail(
    api: Client,  # noqa: F811
    enrolled: Participant,
) -> None:
    """Issue 9 M6: the same frames after every prompt (left, right, frontal) fail."""
    fixed = [LIVE[1], LIVE[2], LIVE[0]]
    body = verify(api, [LIVE[0], fixed, fixed]).json()
    assert (body["outcome"], body["counted"]) == ("failed_liveness", True)
    steps = new_challenge(api)
    too_soon = post_prompt(api, steps["id"], steps["prompt"], LIVE[:1])
    assert (too_soon.status_code, too_soon.json()["code"]) == (409, "prompt_too_soon")
    a_moment_later(steps["id"])
    ahead = post_prompt(api, steps["id"], {**steps["prompt"], "index": 1}, LIVE[1:2])
    assert (ahead.status_code, ahead.json()["code"]) == (409, "prompt_not_shown")
    assert ahead.json()["message"]


def test_a_used_or_locked_challenge_is_refused_before_the_engine_runs(
    api: Client,  # noqa: F811
    enrolled: Participant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 9 M4: cheap checks first, then at most the allowed frames, then the engine."""
    calls: list[str] = []
    monkeypatch.setattr(face_services.runtime, "engine", lambda: calls.append("engine"))
    monkeypatch.setattr(face_services, "decode_image", lambda data: calls.append("decode"))
    used = new_challenge(api)
    LivenessChallenge.objects.filter(pk=used["id"]).update(used_at=timezone.now())
    a_moment_later(used["id"])
    heavy = [LIVE[0]] * 12
    refused = post_prompt(api, used["id"], used["prompt"], heavy)
    assert (refused.status_code, refused.json()["code"]) == (409, "challenge_used")
    fresh = new_challenge(api)
    a_moment_later(fresh["id"])
    too_many = post_prompt(api, fresh["id"], fresh["prompt"], [LIVE[0]] * 13)
    assert (too_many.status_code, too_many.json()["code"]) == (400, "too_many_frames")
    assert too_many.json()["message"] == str(FACE_ERRORS["too_many_frames"])
    FaceStep.objects.create(participant=enrolled, counted_failures=3, locked_at=timezone.now())
    locked = post_prompt(api, fresh["id"], fresh["prompt"], heavy)
    assert (locked.status_code, locked.json()["code"]) == (409, "face_locked")
    assert calls == []
    assert not FaceAttempt.objects.exists()
