"""Configuration of the back office: branch offices and where officers are posted."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
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


# The admin's own login checks only a password. Where the admin must take the second
# factor too (production: CAIRKAN_ADMIN_REQUIRES_OTP), it lets in only a session that
# signed in at /kantor/masuk/ with a TOTP code, and sends everyone else there.
_password_only = admin.site.has_permission
_admin_login = admin.site.login


def _has_permission(request: HttpRequest) -> bool:
    if not _password_only(request):
        return False
    if not settings.CAIRKAN_ADMIN_REQUIRES_OTP:
        return True
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    if settings.CAIRKAN_ADMIN_REQUIRES_OTP:
        target = request.GET.get("next", "/admin/")
        return redirect(f"{reverse('backoffice:login')}?{urlencode({'next': target})}")
    return _admin_login(request, extra_context)


admin.site.has_permission = _has_permission  # type: ignore[method-assign]
admin.site.login = _login  # type: ignore[method-assign]
