from django.contrib import admin

from .models import Attachment, UploadSlot


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Read-only: files are added through the API and the pages, and stay.

    No deleting here either: a file removed behind the ticket services would
    leave no history entry, its stored object behind, and cached ticket pages
    listing it (the data version would not move).
    """

    list_display = ["filename", "ticket", "uploader", "size", "internal", "created_at"]
    list_filter = ["internal", "content_type"]
    search_fields = ["filename", "key"]
    raw_id_fields = ["ticket", "comment", "uploader"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UploadSlot)
class UploadSlotAdmin(admin.ModelAdmin):
    list_display = ["key", "ticket", "uploader", "size", "created_at", "registered_at"]
    list_filter = ["registered_at"]
    search_fields = ["key", "filename"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
