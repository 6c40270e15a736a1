"""Configuration of the back office: branch offices and where officers are posted."""

from __future__ import annotations

from django.contrib import admin

from cairkan.backoffice.models import Branch, Posting


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin[Branch]):
    list_display = ["name", "code", "regency_codes"]
    search_fields = ["name", "code"]


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin[Posting]):
    list_display = ["user"]
    filter_horizontal = ["branches"]
    autocomplete_fields = ["user"]
