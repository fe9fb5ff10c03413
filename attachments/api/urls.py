"""Attachment API routes; every path answers with and without its trailing slash."""

from django.urls import re_path

from servicedesk.api import ID_PATTERN

from .views import AttachmentDownloadView, AttachmentPresignView, TicketAttachmentsView

urlpatterns = [
    re_path(
        rf"^tickets/(?P<id>{ID_PATTERN})/attachments/presign/?$",
        AttachmentPresignView.as_view(),
        name="ticket-attachments-presign",
    ),
    re_path(
        rf"^tickets/(?P<id>{ID_PATTERN})/attachments/?$",
        TicketAttachmentsView.as_view(),
        name="ticket-attachments",
    ),
    re_path(
        rf"^attachments/(?P<id>{ID_PATTERN})/download/?$",
        AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
]
