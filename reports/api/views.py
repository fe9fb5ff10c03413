"""`GET /api/reports/summary`: the dashboard's figures as JSON (staff only)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policies
from ..forms import ReportQuery
from ..selectors import report_summary_cached
from .serializers import ReportSummarySerializer


class IsReportViewer(permissions.BasePermission):
    message = "Reports are for IT staff."

    def has_permission(self, request, view):
        return policies.can_view_reports(request.user)


PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD, local time)."
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, description="Last day, included (YYYY-MM-DD)."
    ),
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        enum=["week", "month", "term", "custom"],
        description="Instead of dates: this week, month or term (the default "
        "when no dates are given).",
    ),
    OpenApiParameter("category", OpenApiTypes.STR, description="Category slug."),
    OpenApiParameter(
        "priority", OpenApiTypes.STR, description="One priority or several, commas."
    ),
    OpenApiParameter(
        "assignee", OpenApiTypes.STR, description="`me`, `none` or a user id."
    ),
]


class ReportSummaryView(APIView):
    """The figures of `/reports/` for a period; durations in working seconds."""

    permission_classes = [permissions.IsAuthenticated, IsReportViewer]

    @extend_schema(
        summary="Report summary",
        parameters=PARAMETERS,
        responses={
            200: ReportSummarySerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="`{field: [message]}`"
            ),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="Not staff."),
        },
    )
    def get(self, request):
        query = ReportQuery(request.query_params, user=request.user)
        if query.errors:
            raise ValidationError(query.errors)
        summary = report_summary_cached(
            user=request.user, period=query.period, filters=query.filters
        )
        return Response(ReportSummarySerializer(summary).data)
