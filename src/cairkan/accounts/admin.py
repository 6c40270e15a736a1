"""Back office for member accounts and registrations in progress (read-only: they change
through the accounts services, which keep their rules)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cairkan.accounts.models import AccountEvent, MemberAccount, Registration
from cairkan.accounts.staff_login import ThrottledAdminLoginForm
from cairkan.biometrics.admin import ReadOnlyAdmin

# The back office's login counts failures per username and per client, like members'.
admin.site.login_form = ThrottledAdminLoginForm


@admin.register(MemberAccount)
class MemberAccountAdmin(admin.ModelAdmin[MemberAccount]):
    list_display = ["participant", "phone", "email", "created_at"]
    search_fields = ["=participant__nik", "participant__full_name", "=phone", "email"]
    readonly_fields = ["user", "participant", "phone", "email", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin[Registration]):
    list_display = ["participant", "step", "registry_name", "created_at", "expires_at"]
    list_filter = ["step"]
    search_fields = ["=participant__nik", "participant__full_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin[AccountEvent]):
    """The accounts' audit trail: read, never written by hand."""

    list_display = ["created_at", "participant", "kind", "reason"]
    list_filter = ["kind"]
    search_fields = ["=participant__nik"]
    readonly_fields = ["participant", "kind", "reason", "data", "created_at"]
