"""Back office for the face step: audit records read-only; opening a locked face step
goes through ``unlock_by_officer`` (an audited event), never a field edit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cairkan.biometrics.models import (
    FaceAttempt,
    FaceEnrolment,
    FaceEvent,
    FaceStep,
    LivenessChallenge,
    UnlockBooking,
    UnlockMethod,
)
from cairkan.biometrics.services import UnlockRefused, unlock_by_officer


class ReadOnlyAdmin[M: Any](admin.ModelAdmin[M]):
    """An audit record: staff may look, nobody edits or deletes here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FaceEvent)
class FaceEventAdmin(ReadOnlyAdmin[FaceEvent]):
    list_display = ["created_at", "participant", "kind", "actor", "acting_user", "reason"]
    list_filter = ["kind", "actor"]
    search_fields = ["=participant__nik", "participant__full_name"]
    date_hierarchy = "created_at"


@admin.register(FaceAttempt)
class FaceAttemptAdmin(ReadOnlyAdmin[FaceAttempt]):
    list_display = ["created_at", "participant", "purpose", "outcome", "counted", "distance"]
    list_filter = ["purpose", "outcome", "counted"]
    search_fields = ["=participant__nik", "participant__full_name"]


@admin.register(LivenessChallenge)
class LivenessChallengeAdmin(ReadOnlyAdmin[LivenessChallenge]):
    list_display = ["issued_at", "participant", "purpose", "steps", "expires_at", "used_at"]
    list_filter = ["purpose"]
    search_fields = ["=participant__nik"]


@admin.register(FaceEnrolment)
class FaceEnrolmentAdmin(ReadOnlyAdmin[FaceEnrolment]):
    list_display = ["participant", "enrolled_at", "registry_distance", "tester_reference"]
    list_filter = ["tester_reference"]
    search_fields = ["=participant__nik", "participant__full_name"]
    exclude = ["embedding"]


@admin.register(UnlockBooking)
class UnlockBookingAdmin(ReadOnlyAdmin[UnlockBooking]):
    list_display = ["starts_at", "participant", "status", "officer", "created_at"]
    list_filter = ["status"]
    search_fields = ["=participant__nik", "participant__full_name"]
    ordering = ["starts_at"]


class UnlockNoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What you checked in the video call"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.action(
    description=gettext_lazy("Open the face step (verified by video call)"),
    permissions=["unlock"],
)
def open_by_video_call(
    modeladmin: FaceStepAdmin, request: HttpRequest, queryset: QuerySet[FaceStep]
) -> HttpResponse | None:
    if not modeladmin.has_unlock_permission(request):
        raise PermissionDenied
    form = UnlockNoteForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Open the face step (verified by video call)"),
            "steps": queryset.select_related("participant"),
            "form": form,
            "action": request.POST.get("action", ""),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "admin/biometrics/facestep/unlock.html", context)
    opened = 0
    for step in queryset.select_related("participant"):
        try:
            unlock_by_officer(
                participant=step.participant,
                officer=request.user,
                method=UnlockMethod.VIDEO_CALL,
                note=form.cleaned_data["note"],
            )
        except UnlockRefused as exc:
            modeladmin.message_user(
                request,
                _("%(participant)s: not opened (%(reason)s).")
                % {"participant": step.participant, "reason": exc.code},
                messages.WARNING,
            )
        else:
            opened += 1
    if opened:
        modeladmin.message_user(
            request, _("Face step opened for %(count)d member(s).") % {"count": opened}
        )
    return None


@admin.register(FaceStep)
class FaceStepAdmin(admin.ModelAdmin[FaceStep]):
    list_display = ["participant", "counted_failures", "locked_at", "self_unlocks"]
    list_filter = [("locked_at", admin.EmptyFieldListFilter)]
    search_fields = ["=participant__nik", "participant__full_name"]
    readonly_fields = ["participant", "counted_failures", "locked_at", "self_unlocks"]
    actions = [open_by_video_call]

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("biometrics.unlock_face_step")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
