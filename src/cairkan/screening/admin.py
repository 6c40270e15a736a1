"""Screening results in the admin: staff look, nobody edits (an audit record)."""

from __future__ import annotations

from django.contrib import admin

from cairkan.biometrics.admin import ReadOnlyAdmin
from cairkan.screening.models import ScreeningResult


@admin.register(ScreeningResult)
class ScreeningResultAdmin(ReadOnlyAdmin[ScreeningResult]):
    list_display = ["screened_at", "claim", "outcome", "reasons"]
    list_filter = ["outcome"]
    search_fields = ["=claim__public_id", "=claim__participant__nik"]
    date_hierarchy = "screened_at"
