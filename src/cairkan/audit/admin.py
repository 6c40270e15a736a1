"""The audit trail in the back office: auditors search and export it; nobody adds,
edits or deletes an entry here (nor anywhere: the model refuses)."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cairkan.audit.models import AuditEntry

CSV_COLUMNS = [
    "sequence",
    "at",
    "actor_kind",
    "actor_user_id",
    "participant_id",
    "action",
    "subject_type",
    "subject_id",
    "before",
    "after",
    "why",
    "previous_hash",
    "entry_hash",
]


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell that starts like a formula (CSV injection): quote it.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.action(description=gettext_lazy("Export the selected entries (CSV)"), permissions=["view"])
def export_csv(
    modeladmin: AuditEntryAdmin, request: HttpRequest, queryset: QuerySet[AuditEntry]
) -> HttpResponse:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for entry in queryset.order_by("sequence").iterator(chunk_size=2000):
        writer.writerow([_cell(getattr(entry, column)) for column in CSV_COLUMNS])
    return response


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = [
        "sequence",
        "at",
        "actor_kind",
        "actor_user",
        "participant_id",
        "action",
        "subject_type",
        "subject_id",
        "why",
    ]
    # A date range: the filter's own links, or ?at__gte=2026-11-01&at__lt=2026-12-01.
    # No filter listing actions or subjects: it would scan the whole trail on every page.
    list_filter = [("at", admin.DateFieldListFilter), "actor_kind"]
    search_fields = ["=subject_id", "=participant_id", "=actor_user__username", "action", "why"]
    list_select_related = ["actor_user"]
    date_hierarchy = "at"
    actions = [export_csv]
    show_full_result_count = False  # counting a long trail on every page is slow

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
