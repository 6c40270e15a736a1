from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cairkan.integrations.models import (
    BankFile,
    SandboxBankAccount,
    SandboxRegistryRecord,
    SandboxTransfer,
)


@admin.register(SandboxRegistryRecord)
class SandboxRegistryRecordAdmin(admin.ModelAdmin[SandboxRegistryRecord]):
    list_display = ["nik", "full_name", "birth_date", "sex", "deceased_on", "fault"]
    search_fields = ["=nik", "full_name"]
    list_filter = ["fault", "sex"]


@admin.register(SandboxBankAccount)
class SandboxBankAccountAdmin(admin.ModelAdmin[SandboxBankAccount]):
    list_display = ["bank_code", "account_number", "holder_name", "status", "fault"]
    search_fields = ["=account_number", "holder_name"]
    list_filter = ["bank_code", "status", "fault"]


@admin.register(SandboxTransfer)
class SandboxTransferAdmin(admin.ModelAdmin[SandboxTransfer]):
    """The sandbox bank's own record of a transfer Cairkan asked for: read-only, as a real
    bank's statement would be."""

    list_display = ["reference", "bank_code", "account_number", "amount", "outcome", "settles_at"]
    search_fields = ["=reference", "=account_number"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BankFile)
class BankFileAdmin(admin.ModelAdmin[BankFile]):
    """Files exchanged with banks: a record of what happened, never edited by hand."""

    list_display = ["received_at", "kind", "bank_code", "message_id", "transfers", "total"]
    list_filter = ["kind", "bank_code"]
    search_fields = ["=message_id", "=sha256"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
