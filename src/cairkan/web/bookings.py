"""The member's meetings with an officer: choose a time (day first, then time), move it,
cancel it. A claim's appointment and the face step's video call alike; the seats come
from the officers' calendar (``cairkan.claims.appointments``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cairkan.accounts.models import MemberAccount
from cairkan.biometrics.models import UnlockBooking
from cairkan.claims.appointment_selectors import days_then_times
from cairkan.claims.appointments import (
    AppointmentError,
    book,
    booking_cancel,
    booking_reschedule,
    free_slots,
)
from cairkan.claims.messages import claim_message
from cairkan.claims.models import OPEN_STATUSES, Appointment, AppointmentKind, Channel, Claim
from cairkan.web.members import member_required


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None  # no day or a mistyped one: the page asks for a day


def _starts_at(raw: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise AppointmentError("slot_required") from None
    if timezone.is_naive(parsed):
        raise AppointmentError("slot_required")
    return parsed


def _booked_message(request: HttpRequest, starts_at: datetime) -> None:
    when = timezone.localtime(starts_at)
    messages.success(
        request,
        _("Your appointment is on %(day)s at %(time)s WITA. We remind you the day before.")
        % {"day": formats.date_format(when, "l, j F Y"), "time": formats.time_format(when, "H:i")},
    )


def _own_claim(request: HttpRequest, claim_id: Any) -> Claim:
    account: MemberAccount = request.member  # type: ignore[attr-defined]
    claim = Claim.objects.filter(public_id=claim_id, participant=account.participant).first()
    if claim is None:
        raise Http404(_("There is no such claim for you."))
    return claim


def _page(
    request: HttpRequest, *, kind: str, current: datetime | None, back: str, error: str
) -> HttpResponse:
    raw_day = request.POST.get("hari") or request.GET.get("hari")
    days, chosen_day, times = days_then_times(free_slots(kind=kind), _day(raw_day))
    context = {
        "kind_label": AppointmentKind(kind).label,
        "current": timezone.localtime(current) if current else None,
        "days": days,
        "chosen_day": chosen_day,
        "times": times,
        "day_query": "",
        "chosen": "",
        "back": back,
        "error": error,
    }
    return render(request, "web/member/booking.html", context, status=400 if error else 200)


@never_cache
@member_required
def claim_booking(request: HttpRequest, claim_id: Any) -> HttpResponse:
    """Book a time for a claim on an assisted channel, or move the one booked."""
    claim = _own_claim(request, claim_id)
    appointment = claim.appointments.filter(state=Appointment.State.BOOKED).first()
    if appointment is None and (claim.status not in OPEN_STATUSES or claim.channel == Channel.APP):
        messages.info(request, claim_message("appointment_not_needed"))
        return redirect("claim_detail", claim_id=claim.public_id)
    kind = (
        appointment.kind
        if appointment
        else AppointmentKind.BRANCH
        if claim.channel == Channel.BRANCH
        else AppointmentKind.VIDEO
    )
    error = ""
    if request.method == "POST":
        booked: Appointment | UnlockBooking
        try:
            starts_at = _starts_at(request.POST.get("starts_at", ""))
            if appointment is None:
                booked = book(claim=claim, kind=kind, starts_at=starts_at)
            else:
                booked = booking_reschedule(booking=appointment, starts_at=starts_at)
        except AppointmentError as exc:
            error = claim_message(exc.code)
        else:
            _booked_message(request, booked.starts_at)
            return redirect("claim_detail", claim_id=claim.public_id)
    current = appointment.starts_at if appointment else None
    return _page(
        request,
        kind=kind,
        current=current,
        back=reverse("claim_detail", args=[claim.public_id]),
        error=error,
    )


@require_POST
@member_required
def claim_booking_cancel(request: HttpRequest, claim_id: Any) -> HttpResponse:
    claim = _own_claim(request, claim_id)
    appointment = claim.appointments.filter(state=Appointment.State.BOOKED).first()
    if appointment is not None:
        booking_cancel(booking=appointment, reason="cancelled by the member")
        messages.success(
            request, _("Your appointment is cancelled. Choose a new time when it suits you.")
        )
    return redirect("claim_detail", claim_id=claim.public_id)


def _open_unlock(request: HttpRequest) -> UnlockBooking | None:
    account: MemberAccount = request.member  # type: ignore[attr-defined]
    return UnlockBooking.objects.filter(
        participant=account.participant, status=UnlockBooking.Status.BOOKED
    ).first()


@never_cache
@member_required
def face_booking(request: HttpRequest) -> HttpResponse:
    """Move the video call booked to open the face step (booking it is on the locked
    face page)."""
    booking = _open_unlock(request)
    if booking is None:
        return redirect("face_locked")
    error = ""
    if request.method == "POST":
        try:
            moved = booking_reschedule(
                booking=booking, starts_at=_starts_at(request.POST.get("starts_at", ""))
            )
        except AppointmentError as exc:
            error = claim_message(exc.code)
        else:
            _booked_message(request, moved.starts_at)
            return redirect("account")
    return _page(
        request,
        kind=AppointmentKind.VIDEO,
        current=booking.starts_at,
        back=reverse("account"),
        error=error,
    )


@require_POST
@member_required
def face_booking_cancel(request: HttpRequest) -> HttpResponse:
    booking = _open_unlock(request)
    if booking is not None:
        booking_cancel(booking=booking, reason="cancelled by the member")
        messages.success(
            request, _("Your appointment is cancelled. Choose a new time when it suits you.")
        )
    return redirect("account")
