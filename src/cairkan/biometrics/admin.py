"""Configuration view of the face step: audit records read-only. A locked face step is
opened only at the back office's desk (/kantor/wajah/), after its checklist
(``desk_unlock``), never here and never by a field edit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cairkan.biometrics.models import (
    DeskCheck,
    FaceAttempt,
    FaceEnrolment,
    FaceEvent,
    FaceReview,
    FaceStep,
    LivenessChallenge,
    UnlockBooking,
)


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


@admin.register(FaceStep)
class FaceStepAdmin(admin.ModelAdmin[FaceStep]):
    list_display = ["participant", "counted_failures", "locked_at", "self_unlocks"]
    list_filter = [("locked_at", admin.EmptyFieldListFilter)]
    search_fields = ["=participant__nik", "participant__full_name"]
    readonly_fields = ["participant", "counted_failures", "locked_at", "self_unlocks"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DeskCheck)
class DeskCheckAdmin(ReadOnlyAdmin[DeskCheck]):
    list_display = ["started_at", "participant", "method", "officer", "status", "reason"]
    list_filter = ["status", "method"]
    search_fields = ["=participant__nik", "participant__full_name"]


@admin.register(FaceReview)
class FaceReviewAdmin(ReadOnlyAdmin[FaceReview]):
    list_display = ["created_at", "participant", "status", "reason", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["=participant__nik", "participant__full_name"]
    exclude = ["frame"]  # the member's picture is shown only on the verifier's page
