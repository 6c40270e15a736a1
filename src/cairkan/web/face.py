"""The face step as pages: capture (camera or photo upload), verdict, locked page.

The page issues a challenge and shows its first prompt ("look straight"); ``face.js``
captures frames for it and posts them to ``face_submit`` (JSON), which answers with the
next prompt (revealed only now, with its nonce) until the last one brings the verdict.
Without a camera API the same endpoint takes one photo per prompt from a plain form and
answers with the page showing the next prompt, then the verdict.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from cairkan.accounts.clients import client_address
from cairkan.accounts.messages import MESSAGES as ACCOUNT_MESSAGES
from cairkan.accounts.messages import message_for
from cairkan.accounts.services import (
    AccountError,
    recovery_face_allowed,
    recovery_face_submit,
    recovery_face_tries_left,
    registration_face_enrol,
)
from cairkan.biometrics import runtime
from cairkan.biometrics.engine import UnreadableImage, assess_quality, decode_image
from cairkan.biometrics.engine.faces import Embedding
from cairkan.biometrics.engine.matching import NoUsableReference, reference_embedding
from cairkan.biometrics.frames import count_frames, frame_parts
from cairkan.biometrics.messages import (
    COACHING,
    COUNTED,
    DESK_REFUSALS,
    LOCKED,
    OUTCOMES,
    REVIEW_PENDING,
    REVIEW_REFUSALS,
    REVIEW_REFUSED,
    STEPS,
)
from cairkan.biometrics.messages import ERRORS as FACE_ERRORS
from cairkan.biometrics.models import LivenessChallenge, Outcome, Purpose
from cairkan.biometrics.policy import policy
from cairkan.biometrics.selectors import review_refused_unanswered
from cairkan.biometrics.services import (
    ChallengeInvalid,
    FaceError,
    FaceReviewPending,
    FaceStepLocked,
    Prompt,
    UnlockRefused,
    answer_check,
    answered_frames,
    challenge_issue,
    challenge_prompt,
    desk_refusal_latest,
    face_status,
    frames_count_check,
    prompt_answer,
    unlock_after_cooling_off,
    verification_submit,
)
from cairkan.claims.appointments import free_slots, unlock_book
from cairkan.claims.drafts import DraftConflict, draft_for, draft_save
from cairkan.integrations import loading
from cairkan.integrations.registry.base import (
    PersonNotFound,
    RegistryTimeout,
    RegistryUnavailable,
)
from cairkan.integrations.registry.sandbox import SandboxPopulationRegistry
from cairkan.members.models import Participant
from cairkan.web.members import (
    RECOVERY_FACE_KEY,
    login_url,
    member_account,
    recovery_account,
)

MAX_UPLOAD = 8 * 1024 * 1024  # a phone camera photo from the no-JavaScript form
MAX_COACHING_FRAME = 300 * 1024
TESTER_KEY = "cairkan_tester_reference"
PAGE_URLS: dict[str, str] = {
    "enrolment": "register_face",
    "recovery": "recover_face",
    "claim": "claim_face",
}
OFFICE = "Mall Pelayanan Publik Amuntai"

ERRORS = {
    **FACE_ERRORS,
    "no_registry_photo": gettext_lazy(
        "The population registry has no usable photo of you, so your face cannot be "
        "enrolled online. Visit the office counter with your e-KTP."
    ),
    "not_allowed": gettext_lazy("Your session has ended. Please start again."),
    "registry_unavailable": ACCOUNT_MESSAGES["registry_unavailable"],
    "not_locked": gettext_lazy("The face check is not locked."),
    "self_unlock_used": gettext_lazy(
        "You already used the new round after waiting. Book a video call or visit the office."
    ),
    "cooling_off_not_over": gettext_lazy("The waiting time is not over yet."),
    "slot_unavailable": gettext_lazy("That time is no longer free. Choose another one."),
    "no_slot": gettext_lazy("Choose a time for the video call."),
}


class _Refusal(Exception):
    def __init__(self, code: str, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


def _error(code: str) -> str:
    return str(ERRORS.get(code, ERRORS["not_allowed"]))


def _subject(request: HttpRequest, purpose: str) -> Participant | None:
    """Whose face this is: the logged-in member, or the member recovering access."""
    recovering = purpose == Purpose.RECOVERY
    account = recovery_account(request) if recovering else member_account(request)
    return account.participant if account else None


def _any_subject(request: HttpRequest) -> tuple[Participant | None, str]:
    account = member_account(request)
    if account is not None:
        return account.participant, Purpose.ENROLMENT
    recovering = recovery_account(request)
    return (recovering.participant if recovering else None), Purpose.RECOVERY


def _registry_photo(participant: Participant) -> bytes | None:
    try:
        return loading.population_registry().lookup(participant.nik).photo_jpeg
    except PersonNotFound:
        return None
    except (RegistryTimeout, RegistryUnavailable):
        raise _Refusal("registry_unavailable", 503) from None


def _tester_mode_allowed() -> bool:
    """Only the sandbox registry may take a tester's own face as its photo."""
    return isinstance(loading.population_registry(), SandboxPopulationRegistry)


def _prompt_data(prompt: Prompt) -> dict[str, Any]:
    """The prompt to follow now; the steps after it stay on the server until it is answered."""
    return {
        "challenge_id": str(prompt.challenge_id),
        "index": prompt.index,
        "count": prompt.count,
        "code": prompt.code,
        "text": str(STEPS.get(prompt.code, prompt.code)),
        "nonce": prompt.nonce,
        "last": prompt.last,
    }


def _challenge_data(challenge: LivenessChallenge) -> dict[str, Any]:
    return {"id": str(challenge.pk), "prompt": _prompt_data(challenge_prompt(challenge=challenge))}


def _page_url(purpose: str) -> str:
    return reverse(PAGE_URLS.get(purpose, "register_face"))


def face_page(
    request: HttpRequest,
    purpose: str,
    *,
    error: str = "",
    status: int = 200,
    extra: dict[str, Any] | None = None,
    prompt: Prompt | None = None,
) -> HttpResponse:
    """The face page with a new challenge, or (``prompt``) the photo form's next prompt
    of the challenge under way."""
    participant = _subject(request, purpose)
    if participant is None:
        if purpose == Purpose.RECOVERY:
            return redirect("recover")
        return redirect(login_url(request))
    enrolled = hasattr(participant, "face_enrolment")
    if purpose == Purpose.ENROLMENT and enrolled:
        return redirect("account")
    if purpose == Purpose.RECOVERY and request.session.get(RECOVERY_FACE_KEY):
        return redirect("recover_password")
    if purpose == Purpose.CLAIM and not enrolled:
        return redirect("register_face")
    if purpose == Purpose.RECOVERY:
        refused = _recovery_refused(request)
        if refused is not None:
            return refused
    if prompt is None:
        try:
            prompt = challenge_prompt(
                challenge=challenge_issue(participant=participant, purpose=purpose)
            )
        except FaceReviewPending:
            messages.info(request, str(REVIEW_PENDING))
            return redirect("account")
        except FaceStepLocked:
            return redirect("face_locked")
    try:
        tester = (
            purpose == Purpose.ENROLMENT
            and _tester_mode_allowed()
            and _registry_photo(participant) is None
        )
    except _Refusal as refusal:
        tester, error = False, error or _error(refusal.code)
    context = {
        "purpose": purpose,
        "prompt": _prompt_data(prompt),
        "tester": tester,
        "failures_left": _failures_left(request, participant, purpose),
        "error": error,
        "review_refused": _review_refused(participant),
        "texts": {
            "ready": _("Get ready"),
            "sending": _("Sending the photos…"),
            "again": _("Try again"),
            "continue": _("Continue"),
            "tries_left": _("You have %(left)s tries left."),
            "no_camera": _("The camera could not be started. Use the photo form below."),
            "network": _("The connection dropped. Nothing is lost: press the button again."),
        },
        **(extra or {}),
    }
    return render(request, "web/face.html", context, status=status)


def _review_refused(participant: Participant) -> str:
    """Why a verifier refused the member's last borderline photo, until they try again."""
    review = review_refused_unanswered(participant=participant)
    if review is None:
        return ""
    reason = str(REVIEW_REFUSALS.get(review.reason, ""))
    return str(REVIEW_REFUSED) % {"reason": reason} + " " + str(COUNTED)


def _failures_left(request: HttpRequest, participant: Participant, purpose: str) -> int:
    """The member's face step, or (recovering, without their session) recovery's own."""
    account = recovery_account(request) if purpose == Purpose.RECOVERY else None
    if account is not None:
        return recovery_face_tries_left(account=account, client=client_address(request))
    return face_status(participant=participant).failures_left


def _recovery_refused(request: HttpRequest) -> HttpResponse | None:
    """Recovery's own limit (never the member's face step): back to the recovery page,
    told when to try again."""
    account = recovery_account(request)
    if account is None:
        return redirect("recover")
    try:
        recovery_face_allowed(account=account, client=client_address(request))
    except AccountError as exc:
        messages.error(request, message_for(exc))
        return redirect("recover")
    return None


@never_cache
def register_face(request: HttpRequest) -> HttpResponse:
    return face_page(request, Purpose.ENROLMENT)


@never_cache
def recover_face(request: HttpRequest) -> HttpResponse:
    return face_page(request, Purpose.RECOVERY)


def _frames(request: HttpRequest) -> list[bytes]:
    """The prompt's frames: counted, then sized, and only then read (issue 9 M4)."""
    frames_count_check(frame_parts(request))
    uploads: list[UploadedFile[Any]] = list(request.FILES.getlist("frames"))
    if any((upload.size or 0) > MAX_UPLOAD for upload in uploads):
        raise _Refusal("too_large")
    return [upload.read() for upload in uploads]


def _enrolment_reference(
    request: HttpRequest, participant: Participant, front: bytes
) -> tuple[Embedding | None, bool, bytes | None]:
    """The registry photo's embedding, or (sandbox only) the tester's frame looking
    straight at the camera (``front``),
    whether it is a tester's, and the tester's frame to keep as the registry photo if
    the enrolment passes.

    ``None`` means the first frame shows no usable face: coach, do not count.
    """
    engine = runtime.engine()
    photo = _registry_photo(participant)
    tester = request.session.get(TESTER_KEY) == participant.pk
    if photo is None:
        if not (request.POST.get("tester") and _tester_mode_allowed()):
            raise _Refusal("no_registry_photo", 409)
        try:
            reference = reference_embedding(engine, decode_image(front))
        except UnreadableImage as exc:
            raise _Refusal(exc.code) from None
        except NoUsableReference:
            return None, True, None
        request.session[TESTER_KEY] = participant.pk
        return reference, True, front
    try:
        return reference_embedding(engine, decode_image(photo)), tester, None
    except (UnreadableImage, NoUsableReference):
        raise _Refusal("no_registry_photo", 409) from None


def _verdict_message(outcome: str, quality: tuple[str, ...], reason: str) -> list[str]:
    lines = [str(OUTCOMES.get(outcome, ""))]
    lines += [str(COACHING[code]) for code in quality if code in COACHING]
    if reason in COACHING:
        lines.append(str(COACHING[reason]))
    return [line for line in lines if line]


def _answer(
    request: HttpRequest, purpose: str, body: dict[str, Any], status: int = 200
) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(body, status=status)
    if status >= 400:
        return face_page(request, purpose, error=body["message"], status=status)
    level = messages.SUCCESS if body["outcome"] == Outcome.PASSED else messages.WARNING
    messages.add_message(request, level, body["message"])
    return redirect(body.get("redirect") or _page_url(purpose))


def _next_challenge(participant: Participant, purpose: str) -> dict[str, Any] | None:
    try:
        return _challenge_data(challenge_issue(participant=participant, purpose=purpose))
    except FaceStepLocked:
        return None


@csrf_exempt  # checked by _face_submit, once the frame counter is in place
@require_POST
def face_submit(request: HttpRequest) -> HttpResponse:
    # The counter must see the body before anything reads it (CSRF reads the form).
    count_frames(request)
    return _face_submit(request)


@csrf_protect
def _face_submit(request: HttpRequest) -> HttpResponse:
    purpose = request.POST.get("purpose", "")
    if purpose not in PAGE_URLS:
        purpose = Purpose.ENROLMENT
    participant = _subject(request, purpose)
    body: dict[str, Any]
    if participant is None:
        body = {
            "outcome": "error",
            "message": _error("not_allowed"),
            "redirect": reverse("landing"),
        }
        return _answer(request, purpose, body, 403)
    answer: dict[str, Any] = {
        "challenge_id": request.POST.get("challenge_id", ""),
        "index": request.POST.get("step", ""),
        "nonce": request.POST.get("nonce", ""),
    }
    try:
        # Challenge, prompt, nonce, timing and lock first: they cost no frame reading.
        challenge, prompt, _resent = answer_check(participant=participant, **answer)
        frames = _frames(request)
        if not prompt.last:
            following = prompt_answer(participant=participant, frames=frames, **answer)
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse({"outcome": "next", "prompt": _prompt_data(following)})
            return face_page(request, purpose, prompt=following)
        if purpose == Purpose.ENROLMENT:
            if hasattr(participant, "face_enrolment"):
                return _answer(request, purpose, _passed(request, participant, purpose))
            earlier = answered_frames(challenge_id=challenge.pk)
            front = earlier[0][0] if earlier else frames[0]
            reference, tester, tester_photo = _enrolment_reference(request, participant, front)
            if reference is None:
                body = _retry(participant, purpose, Outcome.RETAKE, ("no_face",), "")
                return _answer(request, purpose, body)
            verdict = registration_face_enrol(
                participant=participant,
                frames=frames,
                registry_reference=reference,
                tester_photo=tester_photo,
                tester_reference=tester,
                **answer,
            )
        elif purpose == Purpose.RECOVERY:
            account = recovery_account(request)
            assert account is not None  # _subject found it
            verdict = recovery_face_submit(
                account=account, frames=frames, client=client_address(request), **answer
            )
        else:
            verdict = verification_submit(participant=participant, frames=frames, **answer)
    except AccountError:  # recovery's own limit
        return _answer(request, purpose, _recovery_locked_body(request), 429)
    except _Refusal as refusal:
        body = {
            "outcome": "error",
            "message": _error(refusal.code),
            "code": refusal.code,
        }
        if refusal.status == 409:
            body["challenge"] = _next_challenge(participant, purpose)
        return _answer(request, purpose, body, refusal.status)
    except FaceReviewPending:
        body = {"outcome": "review", "message": str(REVIEW_PENDING), "challenge": None}
        body["redirect"] = reverse("account")
        return _answer(request, purpose, body)
    except FaceStepLocked:
        return _answer(request, purpose, _locked_body())
    except ChallengeInvalid as exc:
        body = {
            "outcome": "error",
            "message": _error(exc.code),
            "code": exc.code,
            "challenge": _next_challenge(participant, purpose),
        }
        return _answer(request, purpose, body, 409)
    except FaceError as exc:
        code = exc.code if exc.code in ERRORS else "invalid_capture"
        body = {"outcome": "error", "message": _error(code), "code": code}
        return _answer(request, purpose, body, 400)
    if verdict.outcome == Outcome.PASSED:
        return _answer(request, purpose, _passed(request, participant, purpose))
    if verdict.locked and purpose == Purpose.RECOVERY:
        return _answer(request, purpose, _recovery_locked_body(request))
    if verdict.locked:
        return _answer(request, purpose, _locked_body())
    body = _retry(participant, purpose, verdict.outcome, verdict.quality, verdict.liveness_reason)
    if verdict.counted:
        body["message"] += " " + _("You have %(left)s tries left.") % {
            "left": verdict.failures_left
        }
    body["failures_left"] = verdict.failures_left
    if verdict.outcome == Outcome.REVIEW:
        body["challenge"] = None
        body["redirect"] = reverse("account") if purpose == Purpose.ENROLMENT else ""
    return _answer(request, purpose, body)


def _retry(
    participant: Participant, purpose: str, outcome: str, quality: tuple[str, ...], reason: str
) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "message": " ".join(_verdict_message(outcome, quality, reason)),
        "coaching": [str(COACHING[c]) for c in quality if c in COACHING],
        "challenge": _next_challenge(participant, purpose),
        "redirect": "",
    }


def _locked_body() -> dict[str, Any]:
    return {
        "outcome": "locked",
        "message": str(LOCKED) % {"count": policy().max_failures},
        "redirect": reverse("face_locked"),
    }


def _recovery_locked_body(request: HttpRequest) -> dict[str, Any]:
    account = recovery_account(request)
    try:
        if account is not None:
            recovery_face_allowed(account=account, client=client_address(request))
    except AccountError as exc:
        message = message_for(exc)
    else:
        message = _error("not_allowed")
    if "application/json" in request.headers.get("Accept", ""):
        messages.error(request, message)  # for the recovery page the script opens next
    return {"outcome": "locked", "message": message, "redirect": reverse("recover")}


def _passed(request: HttpRequest, participant: Participant, purpose: str) -> dict[str, Any]:
    if purpose == Purpose.RECOVERY:
        request.session[RECOVERY_FACE_KEY] = timezone.now().isoformat()
        target = reverse("recover_password")
    elif purpose == Purpose.CLAIM:
        draft = draft_for(participant=participant)
        # Another tab may have saved meanwhile; the passed attempt is what counts.
        with contextlib.suppress(DraftConflict):
            draft_save(draft=draft, step="face", answers={}, version=draft.version)
        target = reverse("claim_bank")
    else:  # the registration was completed with the enrolment (registration_face_enrol)
        target = reverse("account")
    return {"outcome": Outcome.PASSED, "message": str(OUTCOMES["passed"]), "redirect": target}


@require_POST
def face_quality(request: HttpRequest) -> JsonResponse:
    """Live coaching on one small frame; never an attempt."""
    participant, _purpose = _any_subject(request)
    if participant is None:
        return JsonResponse({"ok": False, "message": _error("not_allowed")}, status=403)
    upload = request.FILES.get("frame")
    if upload is None:
        return JsonResponse({"ok": False, "message": _error("no_frames")}, status=400)
    if (upload.size or 0) > MAX_COACHING_FRAME:
        return JsonResponse({"ok": False, "message": _error("too_large")}, status=400)
    try:
        image = decode_image(upload.read())
    except UnreadableImage as exc:
        return JsonResponse(
            {"ok": False, "code": exc.code, "message": _error(exc.code)}, status=400
        )
    report = assess_quality(runtime.engine(), image, runtime.quality_limits())
    codes = [code for code in report.codes if code in COACHING]
    message = str(COACHING[codes[0]]) if codes else _("Good. Hold the phone still.")
    return JsonResponse({"ok": report.ok, "codes": list(report.codes), "message": message})


# --- the locked page ---------------------------------------------------------------------


def _slot_days(slots: list[datetime]) -> list[dict[str, Any]]:
    local = [timezone.localtime(slot) for slot in slots]
    return [
        {
            "day": day,
            "slots": [(slot.isoformat(), formats.time_format(slot, "H:i")) for slot in group],
        }
        for day, group in groupby(local, key=lambda s: s.date())
    ]


def _desk_refusal(participant: Participant) -> str:
    check = desk_refusal_latest(participant=participant)
    return str(DESK_REFUSALS.get(check.reason, "")) if check else ""


@never_cache
def face_locked(request: HttpRequest) -> HttpResponse:
    """The member's locked face step and its ways out. Only the member's own session sees
    it or acts on it: someone recovering with the member's data has a lock of their own
    and must not book a call or open a round in the member's name."""
    account = member_account(request)
    if account is None:
        return redirect(login_url(request))
    participant, purpose = account.participant, Purpose.ENROLMENT
    status = face_status(participant=participant)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cooling_off":
                unlock_after_cooling_off(participant=participant)
                messages.success(request, _("A new round is open. Take your time."))
                return redirect(_page_url(purpose))
            raw = request.POST.get("starts_at", "")
            try:
                starts_at = datetime.fromisoformat(raw)
            except ValueError:
                raise UnlockRefused("no_slot") from None
            booking = unlock_book(participant=participant, starts_at=starts_at)
            when = timezone.localtime(booking.starts_at)
            messages.success(
                request,
                _("Your video call is booked for %(day)s at %(time)s.")
                % {
                    "day": formats.date_format(when, "l, j F Y"),
                    "time": formats.time_format(when, "H:i"),
                },
            )
            return redirect("face_locked")
        except UnlockRefused as exc:
            error = _error(exc.code)
    if not status.locked and request.method != "POST":
        return redirect(_page_url(purpose) if purpose == Purpose.RECOVERY else "account")
    open_booking = status.open_booking
    context = {
        "locked_message": str(LOCKED) % {"count": policy().max_failures},
        "status": status,
        "booking_at": timezone.localtime(open_booking.starts_at) if open_booking else None,
        "days": [] if open_booking else _slot_days([s.starts_at for s in free_slots(kind="video")]),
        "office": OFFICE,
        "error": error,
        "desk_refusal": _desk_refusal(participant),
        "logged_in": member_account(request) is not None,
    }
    return render(request, "web/face_locked.html", context, status=400 if error else 200)
