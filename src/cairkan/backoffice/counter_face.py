"""The walk-in's live face check on the counter's camera: the member's own challenge and
attempt policy (``biometrics.services``), run in the officer's session, so only this
officer's check files the claim. Every view needs ``claims.file_on_behalf``."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from cairkan.backoffice.access import staff_required
from cairkan.backoffice.counter import (
    MAX_COACHING_FRAME,
    MAX_FRAME,
    PERMISSION,
    no_walk_in,
    walk_in_of,
)
from cairkan.biometrics import runtime
from cairkan.biometrics.engine import UnreadableImage, assess_quality, decode_image
from cairkan.biometrics.frames import count_frames, frame_parts
from cairkan.biometrics.messages import COACHING, LOCKED, OUTCOMES, STEPS
from cairkan.biometrics.messages import ERRORS as FACE_ERRORS
from cairkan.biometrics.models import Outcome, Purpose
from cairkan.biometrics.policy import policy
from cairkan.biometrics.services import (
    ChallengeInvalid,
    FaceError,
    FaceStepLocked,
    Prompt,
    answer_check,
    answered_frames,
    challenge_issue,
    challenge_prompt,
    face_status,
    frames_count_check,
    prompt_answer,
    verification_submit,
)
from cairkan.claims import drafts
from cairkan.claims.counter import (
    WalkInRefused,
    counter_face_reference,
    counter_tester_mode,
)
from cairkan.claims.messages import claim_message
from cairkan.integrations import loading
from cairkan.integrations.registry.sandbox import SandboxPopulationRegistry
from cairkan.members.models import Participant


def _prompt_data(prompt: Prompt) -> dict[str, Any]:
    return {
        "challenge_id": str(prompt.challenge_id),
        "index": prompt.index,
        "count": prompt.count,
        "code": prompt.code,
        "text": str(STEPS.get(prompt.code, prompt.code)),
        "nonce": prompt.nonce,
        "last": prompt.last,
    }


def _face_error(code: str) -> str:
    return str(FACE_ERRORS.get(code, FACE_ERRORS.get("invalid_capture", code)))


@require_GET
@staff_required(PERMISSION)
def face(request: HttpRequest) -> HttpResponseBase:
    participant = walk_in_of(request)
    if participant is None:
        return no_walk_in(request)
    return _face_page(request, participant)


def _face_page(
    request: HttpRequest,
    participant: Participant,
    *,
    prompt: Prompt | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    locked = False
    if prompt is None:
        try:
            prompt = challenge_prompt(
                challenge=challenge_issue(participant=participant, purpose=Purpose.CLAIM)
            )
        except FaceStepLocked:
            locked = True
    context = {
        "participant": participant,
        "tester": not locked and counter_tester_mode(participant=participant),
        "prompt": _prompt_data(prompt) if prompt else None,
        "locked": locked,
        "locked_message": str(LOCKED) % {"count": policy().max_failures},
        "failures_left": face_status(participant=participant).failures_left,
        "error": error,
        "texts": {
            "ready": _("Get ready"),
            "sending": _("Sending the photos…"),
            "again": _("Try again"),
            "continue": _("Continue"),
            "tries_left": _("You have %(left)s tries left."),
            "no_camera": _("The camera could not be started. Use the photo form below."),
            "network": _("The connection dropped. Nothing is lost: press the button again."),
        },
    }
    return render(request, "backoffice/counter/face.html", context, status=status)


def _answer(request: HttpRequest, body: dict[str, Any], status: int = 200) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(body, status=status)
    participant = walk_in_of(request)
    if status >= 400 and participant is not None:
        return _face_page(request, participant, error=body["message"], status=status)
    level = messages.SUCCESS if body.get("outcome") == Outcome.PASSED else messages.WARNING
    messages.add_message(request, level, body["message"])
    return redirect(body.get("redirect") or reverse("backoffice:counter_face"))


def _next_challenge(participant: Participant) -> dict[str, Any] | None:
    try:
        challenge = challenge_issue(participant=participant, purpose=Purpose.CLAIM)
    except FaceStepLocked:
        return None
    return {"id": str(challenge.pk), "prompt": _prompt_data(challenge_prompt(challenge=challenge))}


@csrf_exempt  # checked by _face_submit, once the frame counter is in place
@require_POST
@staff_required(PERMISSION)
def face_submit(request: HttpRequest) -> HttpResponseBase:
    count_frames(request)  # before anything reads the body (CSRF reads the form)
    return _face_submit(request)


@csrf_protect
def _face_submit(request: HttpRequest) -> HttpResponse:
    """The member's face check on the counter's camera: the member's own challenge and
    attempt policy (``verification_submit``: counted failures count, three lock the step),
    compared with their enrolled face or the registry photo, recorded as this officer's."""
    body: dict[str, Any]
    participant = walk_in_of(request)
    if participant is None:
        body = {
            "outcome": "error",
            "message": claim_message("walk_in_none"),
            "redirect": reverse("backoffice:counter"),
        }
        return _answer(request, body, 403)
    answer: dict[str, Any] = {
        "challenge_id": request.POST.get("challenge_id", ""),
        "index": request.POST.get("step", ""),
        "nonce": request.POST.get("nonce", ""),
    }
    try:
        challenge, prompt, _resent = answer_check(participant=participant, **answer)
        frames_count_check(frame_parts(request))
        uploads = list(request.FILES.getlist("frames"))
        if any((upload.size or 0) > MAX_FRAME for upload in uploads):
            raise FaceError("too_large")
        frames = [upload.read() for upload in uploads]
        if not prompt.last:
            following = prompt_answer(participant=participant, frames=frames, **answer)
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse({"outcome": "next", "prompt": _prompt_data(following)})
            return _face_page(request, participant, prompt=following)
        tester = request.POST.get("tester") == "1" and counter_tester_mode(participant=participant)
        earlier = answered_frames(challenge_id=challenge.pk)
        front = earlier[0][0] if earlier else frames[0]
        verdict = verification_submit(
            participant=participant,
            frames=frames,
            reference=counter_face_reference(
                participant=participant, tester_front=front if tester else None
            ),
            helper=request.user,
            **answer,
        )
    except WalkInRefused as refused:
        return _answer(request, {"outcome": "error", "message": claim_message(refused.code)}, 409)
    except FaceStepLocked:
        return _answer(request, _locked_body())
    except ChallengeInvalid as exc:
        body = {
            "outcome": "error",
            "message": _face_error(exc.code),
            "code": exc.code,
            "challenge": _next_challenge(participant),
        }
        return _answer(request, body, 409)
    except FaceError as exc:
        body = {"outcome": "error", "message": _face_error(exc.code), "code": exc.code}
        return _answer(request, body, 400)
    if verdict.outcome == Outcome.PASSED:
        if tester:  # the sandbox keeps the tester's face as the registry photo from now on
            registry = loading.population_registry()
            assert isinstance(registry, SandboxPopulationRegistry)
            registry.tester_photo_set(nik=participant.nik, photo_jpeg=front)
        draft = drafts.draft_for(participant=participant, helper=request.user)
        with contextlib.suppress(drafts.DraftConflict):
            drafts.draft_save(draft=draft, step="face", answers={}, version=draft.version)
        body = {
            "outcome": Outcome.PASSED,
            "message": str(OUTCOMES["passed"]),
            "redirect": reverse("backoffice:counter_claim") + "#bank",
        }
        return _answer(request, body)
    if verdict.locked:
        return _answer(request, _locked_body())
    lines = [str(OUTCOMES.get(verdict.outcome, ""))]
    lines += [
        str(COACHING[c]) for c in (*verdict.quality, verdict.liveness_reason) if c in COACHING
    ]
    if verdict.counted:
        lines.append(_("You have %(left)s tries left.") % {"left": verdict.failures_left})
    body = {
        "outcome": verdict.outcome,
        "message": " ".join(line for line in lines if line),
        "failures_left": verdict.failures_left,
        "challenge": None if verdict.outcome == Outcome.REVIEW else _next_challenge(participant),
        "redirect": reverse("backoffice:counter_claim")
        if verdict.outcome == Outcome.REVIEW
        else "",
    }
    return _answer(request, body)


def _locked_body() -> dict[str, Any]:
    return {
        "outcome": "locked",
        "message": str(LOCKED) % {"count": policy().max_failures},
        "redirect": reverse("backoffice:counter_face"),
    }


@require_POST
@staff_required(PERMISSION)
def face_quality(request: HttpRequest) -> HttpResponseBase:
    """Live coaching on one small frame; never an attempt."""
    if walk_in_of(request) is None:
        return JsonResponse({"ok": False, "message": claim_message("walk_in_none")}, status=403)
    upload = request.FILES.get("frame")
    if upload is None or (upload.size or 0) > MAX_COACHING_FRAME:
        return JsonResponse({"ok": False, "message": _face_error("invalid_capture")}, status=400)
    try:
        image = decode_image(upload.read())
    except UnreadableImage as exc:
        return JsonResponse({"ok": False, "message": _face_error(exc.code)}, status=400)
    report = assess_quality(runtime.engine(), image, runtime.quality_limits())
    codes = [code for code in report.codes if code in COACHING]
    message = str(COACHING[codes[0]]) if codes else _("Good. Hold the phone still.")
    return JsonResponse({"ok": report.ok, "codes": list(report.codes), "message": message})


# --- the receipt ---------------------------------------------------------------------------
