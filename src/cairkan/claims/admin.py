"""Officers' view of claims. Claims change only through the services (audited events);
the admin shows them read-only and offers the moves as actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cairkan.biometrics.admin import ReadOnlyAdmin
from cairkan.claims.models import (
    Appointment,
    AppointmentCapacity,
    Claim,
    ClaimDraft,
    ClaimEvent,
    CounterConsent,
    Desk,
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
    permission: str,
    per_claim: Callable[[Claim], dict[str, Any]] | None = None,
    suffix: str = "",
    mover: Callable[..., Claim] = claim_transition,
    **extra: Any,
) -> Any:
    """An action moving claims to ``to_status`` through ``mover`` (a claims service, or
    cairkan.payouts' ``claim_approve`` for approval), offered and run only for an officer
    for whom ``ClaimAdmin.has_<permission>_permission`` holds: the admin leaves it out of
    the list and refuses a POST naming it otherwise."""

    @admin.action(description=label, permissions=[permission])
    def action(
        modeladmin: admin.ModelAdmin[Claim], request: HttpRequest, queryset: QuerySet[Claim]
    ) -> None:
        # The admin already refuses an action the officer may not take; this holds even
        # if the action is called some other way.
        if not getattr(modeladmin, f"has_{permission}_permission")(request):
            raise PermissionDenied
        moved = 0
        for claim in queryset:
            if to_status == "approved" and claim.gross > settings.CAIRKAN_FOUR_EYES_ABOVE:
                # Four eyes: above the limit only the back office's two approvals approve.
                modeladmin.message_user(
                    request,
                    _("%(claim)s: above the four-eyes limit, approve it in the back office.")
                    % {"claim": claim.public_id},
                    messages.ERROR,
                )
                continue
            try:
                mover(
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
        _move("in_review", _("Start assessing the documents"), "assess"),
        # "Approve" is added by cairkan.payouts.admin: approving creates the payment, which
        # this app (below payouts) cannot do.
        _move(
            "rejected",
            _("Reject: documents incomplete"),
            "reject",
            rejection_code="documents_incomplete",
        ),
        _move(
            "needs_fix", _("Ask for the documents again"), "correction", per_claim=_all_documents
        ),
        _move(
            "needs_fix",
            _("Ask for another bank account"),
            "correction",
            suffix="_bank",
            correction_fields=["bank"],
        ),
    ]

    def _holds(self, request: HttpRequest, codename: str) -> bool:
        return request.user.has_perm(f"claims.{codename}")

    def has_assess_permission(self, request: HttpRequest) -> bool:
        return self._holds(request, "assess_claim")

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return self._holds(request, "approve_claim")

    def has_reject_permission(self, request: HttpRequest) -> bool:
        return self._holds(request, "reject_claim")

    def has_correction_permission(self, request: HttpRequest) -> bool:
        return self._holds(request, "request_correction")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Claim._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # claims are filed by members (or with a helper), never typed in here

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MemberRecordAdmin[M: Any](ReadOnlyAdmin[M]):
    """A record members create through the wizard: officers look, nobody types one in,
    edits or deletes it here (``prune`` removes it when its retention ends)."""


@admin.register(ClaimDraft)
class ClaimDraftAdmin(MemberRecordAdmin[ClaimDraft]):
    list_display = ["participant", "step", "version", "updated_at"]
    search_fields = ["=participant__nik"]
    readonly_fields = ["participant", "step", "data", "version", "helper"]


@admin.register(DocumentUpload)
class DocumentUploadAdmin(MemberRecordAdmin[DocumentUpload]):
    list_display = ["public_id", "kind", "state", "rejection", "size", "created_at"]
    list_filter = ["state", "kind"]
    # The stored file's own field (its /media/ path) is left out: ``document`` links to
    # the officers' viewer instead.
    exclude = ["stored"]
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
        "document",
    ]

    @admin.display(description=_("document"))
    def document(self, upload: DocumentUpload) -> str:
        """The officers' viewer (authenticated, branch-checked), never the file's own
        /media/ URL, which nothing serves and must not be public."""
        if upload.state != DocumentUpload.State.COMPLETE or not upload.stored:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("backoffice:document", args=[upload.public_id]),
            _("Open"),
        )


@admin.register(CounterConsent)
class CounterConsentAdmin(ReadOnlyAdmin[CounterConsent]):
    """The consents recorded at the counter: read here, written only by the filing."""

    list_display = ["claim", "method", "witnessed_by", "given_at"]
    readonly_fields = ["claim", "text", "method", "witnessed_by", "given_at"]


@admin.register(AppointmentCapacity)
class AppointmentCapacityAdmin(admin.ModelAdmin[AppointmentCapacity]):
    """Where officers publish the video-call and counter hours members can book."""

    list_display = ["day", "desk", "first_start", "last_start", "slot_minutes", "seats"]
    list_filter = ["desk__kind", "desk"]
    date_hierarchy = "day"


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin[Desk]):
    """The video desk and the branch counters the calendar publishes seats for."""

    list_display = ["name", "code", "kind", "branch_code"]
    list_filter = ["kind"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin[Appointment]):
    list_display = ["starts_at", "kind", "purpose", "claim", "state"]
    list_filter = ["kind", "purpose", "state"]
    date_hierarchy = "starts_at"
    readonly_fields = ["claim", "capacity", "kind", "purpose", "starts_at", "created_at"]
    fields = ["claim", "kind", "purpose", "starts_at", "state", "capacity", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # booked by members from published capacity
