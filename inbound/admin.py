from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """Read-only log of fetched mail; failures show their reason."""

    list_display = (
        "received_at",
        "sender",
        "subject",
        "status",
        "ticket",
        "short_reason",
    )
    list_filter = ("status",)
    search_fields = ("sender", "subject", "message_id", "reason")
    date_hierarchy = "received_at"
    list_select_related = ("ticket",)
    readonly_fields = [field.name for field in InboundMessage._meta.fields]

    def has_add_permission(self, request):
        # Rows are written by `manage.py fetch_mail` only.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reason"))
    def short_reason(self, obj):
        return Truncator(obj.reason).chars(121)
