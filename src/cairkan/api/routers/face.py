"""The claim's face check: a liveness challenge answered prompt by prompt, then the
verdict on the last prompt's frames."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from cairkan.api.core import Problem, _problem, auth
from cairkan.biometrics.frames import count_frames, frame_parts
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
    FaceReviewPending,
    FaceStepLocked,
    Prompt,
    answer_check,
    challenge_issue,
    challenge_prompt,
    face_status,
    frames_count_check,
    prompt_answer,
    verification_submit,
)

router = Router()
# An empty form field reads as a missing one (422): the document says it cannot be empty.
ChallengeId = Annotated[str, Form(min_length=1)]
Frames = Annotated[list[UploadedFile], File(min_length=1)]
Nonce = Annotated[str, Form(min_length=1)]

MAX_FRAME = 8 * 1024 * 1024  # one phone-camera photo


class PromptOut(Schema):
    """What to film now. Send its frames with ``step`` = ``index`` and its ``nonce``, at
    least a second after receiving it; the next prompt comes in the answer."""

    index: int
    count: int
    code: str
    text: str
    nonce: str
    last: bool


class ChallengeOut(Schema):
    id: str
    prompt: PromptOut
    expires_at: datetime
    failures_left: int


class NextPromptOut(Schema):
    outcome: str  # "next"
    prompt: PromptOut


def _counting_frames(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Count the frames as the body is parsed, keeping none past the limit (issue 9 M4)."""

    def counted(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        count_frames(request)
        return run(request, *args, **kwargs)

    return counted


def _prompt_out(prompt: Prompt) -> dict[str, Any]:
    return {
        "index": prompt.index,
        "count": prompt.count,
        "code": prompt.code,
        "text": str(FACE_STEPS.get(prompt.code, prompt.code)),
        "nonce": prompt.nonce,
        "last": prompt.last,
    }


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
    """A single-use liveness challenge for the claim's face check, valid two minutes. It
    starts with its first prompt (look straight at the camera); each movement after it
    is revealed only when the frames of the prompt before arrive."""
    participant = request.auth.participant  # type: ignore[attr-defined]
    if not hasattr(participant, "face_enrolment"):
        return _face_problem(request, "not_enrolled")
    try:
        challenge = challenge_issue(participant=participant, purpose=Purpose.CLAIM)
    except FaceReviewPending:
        return _face_problem(request, "review_pending")
    except FaceStepLocked:
        return _face_problem(request, "face_locked")
    return Status(
        201,
        {
            "id": str(challenge.pk),
            "prompt": _prompt_out(challenge_prompt(challenge=challenge)),
            "expires_at": challenge.expires_at,
            "failures_left": face_status(participant=participant).failures_left,
        },
    )


@router.post(
    "/face/verifications",
    response={200: VerdictOut, 202: NextPromptOut, 400: Problem, 409: Problem},
    auth=auth,
    tags=["face"],
)
@decorate_view(_counting_frames)
def face_verify(
    request: HttpRequest,
    challenge_id: ChallengeId,
    step: Form[int],
    nonce: Nonce,
    frames: Frames,
) -> dict[str, Any] | Status[dict[str, Any]] | HttpResponse:
    """Answer one prompt of the challenge (multipart ``frames``: 1 to 4 taken after the
    prompt was shown, with its ``step`` index and ``nonce``). Until the last prompt the
    answer is 202 with the next one; the last prompt's frames bring the verdict. Frames
    must show the prompt's own movement and no other: a capture made without reading the
    prompts fails. A dark or blurry capture is a ``retake`` and never counts; three
    counted failures lock the face step. A passed check lets the member file a claim for
    15 minutes. The challenge and lock are checked before any frame is read."""
    participant = request.auth.participant  # type: ignore[attr-defined]
    answer: dict[str, Any] = {"challenge_id": challenge_id, "index": step, "nonce": nonce}
    try:
        _challenge, prompt, _resent = answer_check(participant=participant, **answer)
        frames_count_check(frame_parts(request))
        if any((frame.size or 0) > MAX_FRAME for frame in frames):
            return _face_problem(request, "too_large", 400)
        data = [frame.read() for frame in frames]
        if not prompt.last:
            following = prompt_answer(participant=participant, frames=data, **answer)
            return Status(202, {"outcome": "next", "prompt": _prompt_out(following)})
        verdict = verification_submit(participant=participant, frames=data, **answer)
    except FaceReviewPending:
        return _face_problem(request, "review_pending")
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
