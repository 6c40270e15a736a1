"""The face desk under /kantor/wajah/: an officer's identity check of a member whose face
step is locked (in the booked video call, or a walk-in at the counter) and the
verifiers' queue of borderline face checks. Thin: the rules (booked time, the whole
checklist, what a decision counts) are in ``cairkan.biometrics.services``; these pages
find the member in the officer's branches and show the evidence."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cairkan.backoffice import selectors
from cairkan.backoffice.access import staff_required
from cairkan.biometrics.messages import COACHING, DESK_REFUSALS, REVIEW_REFUSALS
from cairkan.biometrics.models import DeskCheck, FaceReview, Outcome, Purpose, UnlockBooking
from cairkan.biometrics.selectors import desk_questions, failed_attempts
from cairkan.biometrics.services import (
    Checklist,
    UnlockRefused,
    desk_check_start,
    desk_refuse,
    desk_unlock,
    face_review_accept,
    face_review_refuse,
    face_status,
)
from cairkan.integrations import loading
from cairkan.integrations.registry.base import RegistryError
from cairkan.members.models import Participant

UNLOCK = "biometrics.unlock_face_step"
REVIEW = "biometrics.decide_face_review"

ERRORS = {
    "forbidden": gettext_lazy("You may not do this."),
    "not_locked": gettext_lazy("This member's face check is not locked."),
    "booking_not_open": gettext_lazy("This call is no longer booked."),
    "too_early": gettext_lazy(
        "The booked time has not come yet: nothing is decided before the call."
    ),
    "checklist_incomplete": gettext_lazy(
        "Tick every item of the checklist: the e-KTP, each question and the live face."
    ),
    "note_required": gettext_lazy("Write what you checked."),
    "check_closed": gettext_lazy("This check was already decided."),
    "reason_unknown": gettext_lazy("Choose the reason from the list."),
    "review_decided": gettext_lazy("This photo was already decided."),
    "not_found": gettext_lazy("No member with this NIK or KPJ in your branches' records."),
}
# The officer's short words for each reason; the member reads the full sentence.
DESK_REASON_CHOICES = {
    "ektp_not_shown": gettext_lazy("The e-KTP was not shown"),
    "answers_wrong": gettext_lazy("The answers did not match the records"),
    "face_differs": gettext_lazy("The face does not match the e-KTP"),
    "no_show": gettext_lazy("The member did not join the call"),
    "call_failed": gettext_lazy("The call broke off"),
}
REVIEW_REASON_CHOICES = {
    "face_differs": gettext_lazy("Not the person in the registry photo"),
    "photo_unclear": gettext_lazy("Too unclear to decide"),
    "not_live": gettext_lazy("Not a live person (a photo or a screen)"),
}
OUTCOME_WORDS = {
    Outcome.FAILED_LIVENESS: gettext_lazy("Liveness failed"),
    Outcome.FAILED_MATCH: gettext_lazy("Face did not match"),
    Outcome.REVIEW: gettext_lazy("Borderline: for a verifier"),
    Outcome.RETAKE: gettext_lazy("Not usable, not counted"),
}


def _fail(request: HttpRequest, code: str) -> None:
    messages.error(request, str(ERRORS.get(code, _("This could not be done."))))


def _image_uri(data: bytes) -> str:
    """A picture inline in the page (never a URL someone could open again)."""
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _registry_photo(participant: Participant) -> tuple[str, str]:
    """The registry's photo through its interface, or why it cannot be shown."""
    try:
        photo = loading.population_registry().lookup(participant.nik).photo_jpeg
    except RegistryError:
        return "", _("The population registry did not answer; try again later.")
    if not photo:
        return "", _("The population registry has no photo of this person.")
    return _image_uri(photo), ""


def _attempt_rows(participant: Participant) -> list[dict[str, Any]]:
    return [
        {
            "at": attempt.created_at,
            "purpose": Purpose(attempt.purpose).label,
            "outcome": OUTCOME_WORDS.get(Outcome(attempt.outcome), attempt.outcome),
            "counted": attempt.counted,
            "quality": ", ".join(str(COACHING.get(c, c)) for c in attempt.quality) or "—",
            "liveness": attempt.liveness_reason or "—",
            "distance": f"{attempt.distance:.3f}" if attempt.distance is not None else "—",
            "helper": attempt.helper.get_username() if attempt.helper else "",
        }
        for attempt in failed_attempts(participant=participant)
    ]


# --- the desk ---------------------------------------------------------------------------------


@require_GET
@staff_required(UNLOCK)
def desk(request: HttpRequest) -> HttpResponse:
    context = {
        "bookings": selectors.desk_bookings(request.user),
        "open_checks": selectors.desk_checks_open(request.user),
        "reviews_waiting": selectors.review_queue(request.user).count()
        if request.user.has_perm(REVIEW)
        else None,
    }
    return render(request, "backoffice/face_desk.html", context)


@require_POST
@staff_required(UNLOCK)
def check_start(request: HttpRequest) -> HttpResponse:
    """From a booked call (``booking``) or a walk-in found by NIK or KPJ (``identifier``:
    posted, so it is in no address or log)."""
    booking: UnlockBooking | None = None
    if request.POST.get("booking"):
        booking = (
            selectors.desk_bookings(request.user)
            .filter(pk=_number(request.POST.get("booking")))
            .first()
        )
        if booking is None:
            _fail(request, "booking_not_open")
            return redirect("backoffice:face_desk")
        participant = booking.participant
    else:
        found = selectors.visible_participant(request.user, request.POST.get("identifier", ""))
        if found is None:
            _fail(request, "not_found")
            return redirect("backoffice:face_desk")
        participant = found
    try:
        check = desk_check_start(participant=participant, officer=request.user, booking=booking)
    except UnlockRefused as exc:
        _fail(request, exc.code)
        return redirect("backoffice:face_desk")
    return redirect("backoffice:face_check", check_id=check.public_id)


def _number(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        return 0


def _check(request: HttpRequest, check_id: Any) -> DeskCheck:
    check = selectors.visible_desk_check(request.user, check_id)
    if check is None:
        raise Http404
    return check


@require_GET
@staff_required(UNLOCK)
def check(request: HttpRequest, check_id: Any) -> HttpResponse:
    desk_check = _check(request, check_id)
    participant = desk_check.participant
    photo, photo_note = _registry_photo(participant)
    context = {
        "check": desk_check,
        "participant": participant,
        "membership": participant.memberships.select_related("employer")
        .order_by("-start_date")
        .first(),
        "status": face_status(participant=participant),
        "photo": photo,
        "photo_note": photo_note,
        "attempts": _attempt_rows(participant),
        "questions": desk_questions(participant=participant, codes=desk_check.questions),
        "reasons": list(DESK_REASON_CHOICES.items()),
        "refusal_text": str(DESK_REFUSALS.get(desk_check.reason, "")),
    }
    return render(request, "backoffice/face_check.html", context)


def _checklist(request: HttpRequest) -> Checklist:
    return Checklist(
        ektp_shown=request.POST.get("ektp_shown") == "1",
        answered=tuple(request.POST.getlist("answered")),
        live_face_compared=request.POST.get("live_face_compared") == "1",
    )


@require_POST
@staff_required(UNLOCK)
def check_unlock(request: HttpRequest, check_id: Any) -> HttpResponse:
    desk_check = _check(request, check_id)
    try:
        desk_unlock(
            check=desk_check,
            officer=request.user,
            checklist=_checklist(request),
            note=request.POST.get("note", ""),
        )
    except UnlockRefused as exc:
        _fail(request, exc.code)
    else:
        messages.success(request, _("The face check is open: the member may try again now."))
    return redirect("backoffice:face_check", check_id=desk_check.public_id)


@require_POST
@staff_required(UNLOCK)
def check_refuse(request: HttpRequest, check_id: Any) -> HttpResponse:
    desk_check = _check(request, check_id)
    try:
        desk_refuse(
            check=desk_check,
            officer=request.user,
            reason=request.POST.get("reason", ""),
            checklist=_checklist(request),
            note=request.POST.get("note", ""),
        )
    except UnlockRefused as exc:
        _fail(request, exc.code)
    else:
        messages.success(request, _("Recorded: not verified. The member is told why."))
    return redirect("backoffice:face_check", check_id=desk_check.public_id)


# --- the review band ------------------------------------------------------------------------


@require_GET
@staff_required(REVIEW)
def reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/face_reviews.html",
        {"reviews": selectors.review_queue(request.user)},
    )


def _review(request: HttpRequest, review_id: Any) -> FaceReview:
    review = selectors.visible_review(request.user, review_id)
    if review is None:
        raise Http404
    return review


@require_GET
@staff_required(REVIEW)
def review(request: HttpRequest, review_id: Any) -> HttpResponse:
    face_review = _review(request, review_id)
    photo, photo_note = _registry_photo(face_review.participant)
    frame = bytes(face_review.frame)
    context = {
        "review": face_review,
        "participant": face_review.participant,
        "photo": photo,
        "photo_note": photo_note,
        "frame": _image_uri(frame) if frame else "",
        "distance": f"{face_review.attempt.distance:.3f}"
        if face_review.attempt.distance is not None
        else "—",
        "attempts": _attempt_rows(face_review.participant),
        "reasons": list(REVIEW_REASON_CHOICES.items()),
        "refusal_text": str(REVIEW_REFUSALS.get(face_review.reason, "")),
    }
    return render(request, "backoffice/face_review.html", context)


@require_POST
@staff_required(REVIEW)
def review_accept(request: HttpRequest, review_id: Any) -> HttpResponse:
    face_review = _review(request, review_id)
    try:
        face_review_accept(
            review=face_review, officer=request.user, note=request.POST.get("note", "")
        )
    except UnlockRefused as exc:
        _fail(request, exc.code)
    else:
        messages.success(request, _("Accepted: the member's face check is passed."))
    return redirect("backoffice:face_reviews")


@require_POST
@staff_required(REVIEW)
def review_refuse(request: HttpRequest, review_id: Any) -> HttpResponse:
    face_review = _review(request, review_id)
    try:
        face_review_refuse(
            review=face_review,
            officer=request.user,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except UnlockRefused as exc:
        _fail(request, exc.code)
        return redirect("backoffice:face_review", review_id=face_review.public_id)
    messages.success(request, _("Refused: counted as a failed attempt; the member is told why."))
    return redirect("backoffice:face_reviews")
