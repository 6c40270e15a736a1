"""The outbox in the back office: read-only. Messages are written by the services that
cause them and change state only through delivery; one-time codes show masked."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cairkan.notifications.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin[OutboundMessage]):
    list_display = [
        "created_at",
        "channel",
        "to",
        "subject",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    search_fields = ["=to"]
    list_filter = ["state", "channel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
