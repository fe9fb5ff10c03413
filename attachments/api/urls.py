"""Attachment API routes; every path answers with and without its trailing slash."""

from django.urls import re_path

from .views import AttachmentDownloadView, AttachmentPresignView, TicketAttachmentsView

urlpatterns = [
    re_path(
        r"^tickets/(?P<id>[^/]+)/attachments/presign/?$",
        AttachmentPresignView.as_view(),
        name="ticket-attachments-presign",
    ),
    re_path(
        r"^tickets/(?P<id>[^/]+)/attachments/?$",
        TicketAttachmentsView.as_view(),
        name="ticket-attachments",
    ),
    re_path(
        r"^attachments/(?P<id>[^/]+)/download/?$",
        AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
]
