"""Configuration of the back office: branch offices and where officers are posted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

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


# django-otp's own admin shows each device's secret key and QR code: replaced by one that
# shows who has a device and lets an operator delete it (a lost phone: the officer enrols
# again at the next sign-in). The key is never on a page after enrolment.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class OfficerDeviceAdmin(admin.ModelAdmin[TOTPDevice]):
    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "throttling_failure_count", "last_used_at"]
    readonly_fields = ["user", "name", "confirmed", "throttling_failure_count", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # devices are enrolled by their officer at /kantor/masuk/

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
