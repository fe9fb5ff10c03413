"""The report pages and the queue's CSV export."""

from django.urls import path, re_path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.ReportView.as_view(), name="dashboard"),
    re_path(
        r"^reports/export/(?P<table>[a-z_]{1,40})\.csv$",
        views.ReportTableExportView.as_view(),
        name="export_table",
    ),
    path("queue/export.csv", views.QueueExportView.as_view(), name="queue_export"),
]
