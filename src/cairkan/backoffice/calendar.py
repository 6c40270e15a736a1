"""The officers' calendar under /kantor/: publish seats per day and desk, and see the
day's meetings — who, why, what to check — each linked to where the work is done.

Thin like the other pages: the calendar's reads and writes are
``cairkan.claims.appointment_selectors`` and ``cairkan.claims.appointments``.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cairkan.backoffice import selectors
from cairkan.backoffice.access import staff_required
from cairkan.claims.appointment_selectors import desk_day, published
from cairkan.claims.appointments import AppointmentError, capacity_publish
from cairkan.claims.messages import claim_message
from cairkan.claims.models import Desk

SHOWN_DAYS = 14  # the calendar page shows two weeks ahead


class CapacityForm(forms.Form):
    desk = forms.ModelChoiceField(
        label=gettext_lazy("Desk"),
        queryset=Desk.objects.all(),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the desks.")},
    )
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    first_start = forms.TimeField(
        label=gettext_lazy("First start"),
        initial=time(8),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    last_start = forms.TimeField(
        label=gettext_lazy("Last start"),
        initial=time(15),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    slot_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes per appointment"), initial=30, min_value=5, max_value=240
    )
    seats = forms.IntegerField(
        label=gettext_lazy("Officers at a time"), initial=2, min_value=1, max_value=50
    )


@staff_required("claims.add_appointmentcapacity")
def calendar(request: HttpRequest) -> HttpResponse:
    """Publish or change one desk's seats for one day; the next two weeks as published."""
    today = timezone.localdate()
    form = CapacityForm(request.POST or None, initial={"day": today + timedelta(days=1)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                capacity_publish(
                    desk=data["desk"],
                    day=data["day"],
                    first_start=data["first_start"],
                    last_start=data["last_start"],
                    seats=data["seats"],
                    slot_minutes=data["slot_minutes"],
                    officer=request.user,
                )
            except AppointmentError as exc:
                form.add_error(None, claim_message(exc.code))
            else:
                messages.success(
                    request,
                    _("Published: %(desk)s, %(day)s.")
                    % {"desk": data["desk"].name, "day": data["day"].strftime("%d-%m-%Y")},
                )
                return redirect("backoffice:calendar")
        status = 400
    rows = published(first_day=today, last_day=today + timedelta(days=SHOWN_DAYS))
    return render(request, "backoffice/calendar.html", {"form": form, "rows": rows}, status=status)


def _day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return timezone.localdate()  # no day or a mistyped one: today


@staff_required("claims.view_appointment")
def day(request: HttpRequest) -> HttpResponse:
    """An officer's day: the meetings at one desk (or all), of the officer's branches'
    members (every member's with the right to all branches)."""
    shown = _day(request.GET.get("hari"))
    desk = Desk.objects.filter(code=request.GET.get("meja", "")).first()
    visible = set(selectors.members_visible_to(request.user).values_list("pk", flat=True))
    items = [i for i in desk_day(day=shown, desk=desk) if i.participant_id in visible]
    context: dict[str, Any] = {
        "day": shown,
        "previous": shown - timedelta(days=1),
        "next": shown + timedelta(days=1),
        "desks": Desk.objects.all(),
        "desk": desk,
        "items": items,
    }
    return render(request, "backoffice/day.html", context)
