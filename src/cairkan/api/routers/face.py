"""The claim's face check: a liveness challenge, then the frames judged against it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from cairkan.api.core import Problem, _problem, _uuid, auth
from cairkan.biometrics.messages import COACHING as FACE_COACHING
from cairkan.biometrics.messages import ERRORS as FACE_ERRORS
from cairkan.biometrics.messages import LOCKED as FACE_LOCKED
from cairkan.biometrics.messages import OUTCOMES as FACE_OUTCOMES
from cairkan.biometrics.messages import STEPS as FACE_STEPS
from cairkan.biometrics.models import Purpose
from cairkan.biometrics.policy import policy as face_policy
from cairkan.biometrics.services import (
    ChallengeInvalid,
    FaceError,
    FaceStepLocked,
    challenge_issue,
    face_status,
    verification_submit,
)

router = Router()
# An empty form field reads as a missing one (422): the document says it cannot be empty.
ChallengeId = Annotated[str, Form(min_length=1)]
Frames = Annotated[list[UploadedFile], File(min_length=1)]

MAX_FRAME = 8 * 1024 * 1024  # one phone-camera photo


class FaceStepOut(Schema):
    code: str
    text: str


class ChallengeOut(Schema):
    id: str
    steps: list[FaceStepOut]
    expires_at: datetime
    failures_left: int


class VerdictOut(Schema):
    outcome: str
    counted: bool
    failures_left: int
    locked: bool
    message: str
    coaching: list[str]


def _face_problem(request: HttpRequest, code: str, status: int = 409) -> HttpResponse:
    if code == "face_locked":
        message = str(FACE_LOCKED) % {"count": face_policy().max_failures}
    else:
        message = str(FACE_ERRORS.get(code, FACE_ERRORS["invalid_capture"]))
    return _problem(request, status, code, message)


@router.post(
    "/face/challenges", response={201: ChallengeOut, 409: Problem}, auth=auth, tags=["face"]
)
def face_challenge(request: HttpRequest) -> Status[dict[str, Any]] | HttpResponse:
    """A single-use liveness challenge for the claim's face check: film the face looking
    at the camera, then doing ``steps`` in order, within two minutes."""
    participant = request.auth.participant  # type: ignore[attr-defined]
    if not hasattr(participant, "face_enrolment"):
        return _face_problem(request, "not_enrolled")
    try:
        challenge = challenge_issue(participant=participant, purpose=Purpose.CLAIM)
    except FaceStepLocked:
        return _face_problem(request, "face_locked")
    return Status(
        201,
        {
            "id": str(challenge.pk),
            "steps": [{"code": c, "text": str(FACE_STEPS.get(c, c))} for c in challenge.steps],
            "expires_at": challenge.expires_at,
            "failures_left": face_status(participant=participant).failures_left,
        },
    )


@router.post(
    "/face/verifications",
    response={200: VerdictOut, 400: Problem, 409: Problem},
    auth=auth,
    tags=["face"],
)
def face_verify(
    request: HttpRequest, challenge_id: ChallengeId, frames: Frames
) -> dict[str, Any] | HttpResponse:
    """Judge the frames (multipart ``frames``: the face looking at the camera first,
    then one or more per step) against the challenge. A dark or blurry capture is a
    ``retake`` and never counts; three counted failures lock the face step. A passed
    check lets the member file a claim for 15 minutes."""
    participant = request.auth.participant  # type: ignore[attr-defined]
    if not frames:
        return _face_problem(request, "no_frames", 400)
    if any((frame.size or 0) > MAX_FRAME for frame in frames):
        return _face_problem(request, "too_large", 400)
    if _uuid(challenge_id) is None:
        return _face_problem(request, "challenge_unknown")
    try:
        verdict = verification_submit(
            participant=participant,
            challenge_id=challenge_id,
            frames=[frame.read() for frame in frames],
        )
    except FaceStepLocked:
        return _face_problem(request, "face_locked")
    except ChallengeInvalid as exc:
        return _face_problem(request, exc.code)
    except FaceError as exc:
        code = exc.code if exc.code in FACE_ERRORS else "invalid_capture"
        return _face_problem(request, code, 409 if code == "not_enrolled" else 400)
    coaching = [str(FACE_COACHING[c]) for c in verdict.quality if c in FACE_COACHING]
    if verdict.liveness_reason in FACE_COACHING:
        coaching.append(str(FACE_COACHING[verdict.liveness_reason]))
    return {
        "outcome": verdict.outcome,
        "counted": verdict.counted,
        "failures_left": verdict.failures_left,
        "locked": verdict.locked,
        "message": str(FACE_OUTCOMES.get(verdict.outcome, "")),
        "coaching": coaching,
    }
