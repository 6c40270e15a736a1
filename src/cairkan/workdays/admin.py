"""Operators enter the office's own closures; the national calendar needs no entry."""

from __future__ import annotations

from django.contrib import admin

from cairkan.workdays.models import Closure


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin[Closure]):
    list_display = ["first_day", "last_day", "scope", "reason", "created_at"]
    list_filter = ["scope"]
    date_hierarchy = "first_day"
    search_fields = ["reason"]
    fields = ["first_day", "last_day", "scope", "reason"]
