from django.contrib import admin

from cairkan.notifications.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin[OutboundMessage]):
    list_display = ["created_at", "channel", "to", "subject", "state", "attempts", "sent_at"]
    search_fields = ["=to"]
    list_filter = ["channel", "state"]
