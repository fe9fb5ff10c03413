"""Report API routes; every path answers with and without its trailing slash."""

from django.urls import re_path

from .views import ReportSummaryView

urlpatterns = [
    re_path(r"^reports/summary/?$", ReportSummaryView.as_view(), name="report-summary"),
]
