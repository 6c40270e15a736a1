"""Officers' view of claims. Claims change only through the services (audited events);
the admin shows them read-only and offers the moves as actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cairkan.claims.models import (
    Appointment,
    AppointmentCapacity,
    Claim,
    ClaimDraft,
    ClaimEvent,
    DocumentUpload,
)
from cairkan.claims.services import ClaimError, claim_transition


class ClaimEventInline(admin.TabularInline[ClaimEvent, Claim]):
    model = ClaimEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "actor", "acting_user", "reason")
    readonly_fields = ("at", "from_status", "to_status", "actor", "acting_user", "reason")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _all_documents(claim: Claim) -> dict[str, Any]:
    return {"correction_fields": [f"document:{code}" for code in claim.documents_required]}


def _move(
    to_status: str,
    label: Any,
    per_claim: Callable[[Claim], dict[str, Any]] | None = None,
    suffix: str = "",
    **extra: Any,
) -> Any:
    @admin.action(description=label)
    def action(
        modeladmin: admin.ModelAdmin[Claim], request: HttpRequest, queryset: QuerySet[Claim]
    ) -> None:
        moved = 0
        for claim in queryset:
            try:
                claim_transition(
                    claim=claim,
                    to_status=to_status,
                    actor="officer",
                    acting_user=request.user,
                    reason=str(label),
                    **extra,
                    **(per_claim(claim) if per_claim else {}),
                )
                moved += 1
            except ClaimError as exc:
                modeladmin.message_user(request, f"{claim.public_id}: {exc.code}", messages.ERROR)
        if moved:
            modeladmin.message_user(request, _("%(count)d claims moved.") % {"count": moved})

    action.__name__ = f"move_to_{to_status}{suffix}"
    return action


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin[Claim]):
    list_display = [
        "public_id",
        "participant",
        "reason",
        "channel",
        "status",
        "gross",
        "net",
        "submitted_at",
        "payment_due",
    ]
    list_filter = ["status", "channel", "reason"]
    search_fields = ["=public_id", "=participant__nik", "participant__full_name"]
    inlines = [ClaimEventInline]
    actions = [
        _move("in_review", _("Start assessing the documents")),
        _move("approved", _("Approve")),
        _move("rejected", _("Reject: documents incomplete"), rejection_code="documents_incomplete"),
        _move("needs_fix", _("Ask for the documents again"), per_claim=_all_documents),
        _move(
            "needs_fix",
            _("Ask for another bank account"),
            suffix="_bank",
            correction_fields=["bank"],
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Claim._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # claims are filed by members (or with a helper), never typed in here

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ClaimDraft)
class ClaimDraftAdmin(admin.ModelAdmin[ClaimDraft]):
    list_display = ["participant", "step", "version", "updated_at"]
    search_fields = ["=participant__nik"]
    readonly_fields = ["participant", "step", "data", "version", "helper"]


@admin.register(DocumentUpload)
class DocumentUploadAdmin(admin.ModelAdmin[DocumentUpload]):
    list_display = ["public_id", "kind", "state", "rejection", "size", "created_at"]
    list_filter = ["state", "kind"]
    readonly_fields = [
        "draft",
        "kind",
        "filename",
        "size",
        "received",
        "state",
        "content_type",
        "sha256",
        "rejection",
        "stored",
    ]


@admin.register(AppointmentCapacity)
class AppointmentCapacityAdmin(admin.ModelAdmin[AppointmentCapacity]):
    """Where officers publish the video-call and counter hours members can book."""

    list_display = ["day", "kind", "first_start", "last_start", "slot_minutes", "seats"]
    list_filter = ["kind"]
    date_hierarchy = "day"


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin[Appointment]):
    list_display = ["starts_at", "kind", "claim", "state"]
    list_filter = ["kind", "state"]
    date_hierarchy = "starts_at"
    readonly_fields = ["claim", "capacity", "kind", "starts_at", "created_at"]
    fields = ["claim", "kind", "starts_at", "state", "capacity", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # booked by members from published capacity
