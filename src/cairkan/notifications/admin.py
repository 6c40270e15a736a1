from django.contrib import admin

from cairkan.notifications.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin[OutboundMessage]):
    list_display = ["sent_at", "channel", "to", "subject"]
    search_fields = ["=to"]
    list_filter = ["channel"]
