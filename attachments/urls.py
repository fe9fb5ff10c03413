"""Pages' upload and download links, and the local backend's signed URLs."""

from django.urls import path

from . import views

app_name = "attachments"

urlpatterns = [
    path(
        "tickets/<int:ticket_id>/not-uploaded/",
        views.NotUploadedView.as_view(),
        name="not-uploaded",
    ),
    path("<int:pk>/download/", views.AttachmentDownloadView.as_view(), name="download"),
    path(
        "local/upload/<str:token>", views.LocalUploadView.as_view(), name="local-upload"
    ),
    path(
        "local/download/<str:token>",
        views.LocalDownloadView.as_view(),
        name="local-download",
    ),
]
