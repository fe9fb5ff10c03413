"""The outage notices API: `/api/incidents` (+ `/link`, `/resolve`, `/affected`).

A thin adapter over `tickets.selectors.incidents`, `policies` and
`services.incidents`, as the staff pages are.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from servicedesk.api import ID_PATTERN

from .. import policies
from ..models import Category, Incident, IncidentStatus
from ..selectors import incidents as selectors
from ..services import incidents as services
from .serializers import CategorySerializer, PersonSerializer, TicketErrorSerializer


class IncidentSerializer(serializers.ModelSerializer):
    """An open notice as everyone signed in sees it."""

    category = CategorySerializer(read_only=True, allow_null=True)
    affected = serializers.IntegerField(
        read_only=True, help_text="How many pressed “나도 같은 문제”."
    )
    affected_by_me = serializers.BooleanField(
        read_only=True, help_text="Whether the caller pressed it."
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "message",
            "category",
            "locations",
            "status",
            "created_at",
            "updated_at",
            "affected",
            "affected_by_me",
        ]


class StaffIncidentSerializer(IncidentSerializer):
    """A notice as the IT team sees it: who opened it, linked tickets, resolution.

    The API documents this shape for everyone; the staff-only fields are left
    out for requesters (who get `IncidentSerializer`).
    """

    # Output only, yet not `read_only` (see PersonSerializer.email):
    # drf-spectacular lists every read-only field as required.
    created_by = PersonSerializer(required=False, help_text="Staff only.")
    linked = serializers.IntegerField(
        required=False, help_text="Staff only: linked tickets."
    )

    class Meta(IncidentSerializer.Meta):
        fields = [
            *IncidentSerializer.Meta.fields,
            "created_by",
            "linked",
            "resolved_at",
            "resolution",
        ]


class IncidentCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    message = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
    )
    locations = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    # "resolved" is refused by the service: resolving is `/resolve`.
    status = serializers.ChoiceField(
        choices=IncidentStatus.choices, default=IncidentStatus.INVESTIGATING
    )


class IncidentLinkSerializer(serializers.Serializer):
    tickets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=False,
        max_length=1000,
    )


class IncidentResolveSerializer(serializers.Serializer):
    # Required by the service to resolve an open notice; on a resolved one an
    # empty call answers the linked tickets still waiting.
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Posted as a public reply to every linked open ticket.",
    )


ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The notice's id."
)
ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="`{field: [message]}`"),
    403: OpenApiResponse(TicketErrorSerializer, description="IT staff only."),
    404: OpenApiResponse(TicketErrorSerializer, description="No such notice."),
}


@extend_schema_view(
    list=extend_schema(
        summary="Open outage notices",
        description="Everyone signed in sees the open notices; staff also see "
        "who opened them and how many tickets are linked.",
        responses={200: StaffIncidentSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="Get an outage notice",
        parameters=[ID],
        responses={200: StaffIncidentSerializer, 404: ERRORS[404]},
    ),
)
class IncidentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pagination_class = None
    filter_backends = []
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.incident_open_list(user=self.request.user)
        return selectors.incident_list(user=self.request.user)

    def get_serializer_class(self):
        if policies.can_manage_incidents(self.request.user):
            return StaffIncidentSerializer
        return IncidentSerializer

    def check_staff(self):
        if not policies.can_manage_incidents(self.request.user):
            raise PermissionDenied(_("Only IT staff can manage outage notices."))

    def incident_data(self, incident) -> dict:
        """The notice as read afresh, with its counts, for the caller."""
        incident = selectors.incident_get(user=self.request.user, pk=incident.pk)
        return self.get_serializer(incident).data

    @extend_schema(
        summary="Open an outage notice (staff)",
        request=IncidentCreateSerializer,
        responses={201: StaffIncidentSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request, *args, **kwargs):
        self.check_staff()
        serializer = IncidentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_create(
            by=request.user, **serializer.validated_data
        )
        return Response(self.incident_data(incident), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Link open tickets to the notice (staff)",
        parameters=[ID],
        request=IncidentLinkSerializer,
        responses={
            200: inline_serializer(
                "IncidentLinked",
                {
                    "incident": StaffIncidentSerializer(),
                    "newly_linked": serializers.IntegerField(),
                },
            ),
            **ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        self.check_staff()
        incident = self.get_object()
        serializer = IncidentLinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.incident_link_tickets(
            incident=incident,
            by=request.user,
            ticket_ids=serializer.validated_data["tickets"],
        )
        return Response(
            {
                "incident": self.incident_data(incident),
                "newly_linked": count,
            }
        )

    @extend_schema(
        summary="Resolve the notice: answer and resolve its tickets (staff)",
        description="Posts `message` as one public reply to every linked "
        "ticket that is still open and resolves it (each ticket's requester "
        "gets one notification). Tickets already resolved or closed are "
        "skipped. At most INCIDENTS_ANSWER_IN_REQUEST tickets are answered in "
        "the call; the rest (`waiting_tickets`) are answered by the "
        "notifications worker, or by calling again (`message` may then be "
        "empty). Resolving a resolved notice tells nobody twice.",
        parameters=[ID],
        request=IncidentResolveSerializer,
        responses={
            200: inline_serializer(
                "IncidentResolved",
                {
                    "incident": StaffIncidentSerializer(),
                    "resolved_tickets": serializers.ListField(
                        child=serializers.IntegerField()
                    ),
                    "skipped_tickets": serializers.ListField(
                        child=serializers.IntegerField()
                    ),
                    "waiting_tickets": serializers.ListField(
                        child=serializers.IntegerField(),
                        help_text="Left for the background worker (or the "
                        "next call) to answer.",
                    ),
                    "already_resolved": serializers.BooleanField(),
                },
            ),
            **ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        self.check_staff()
        incident = self.get_object()
        serializer = IncidentResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.incident_resolve(
            incident=incident,
            by=request.user,
            message=serializer.validated_data["message"],
        )
        return Response(
            {
                "incident": self.incident_data(result.incident),
                "resolved_tickets": result.resolved,
                "skipped_tickets": result.skipped,
                "waiting_tickets": result.waiting,
                "already_resolved": result.already_resolved,
            }
        )

    @extend_schema(
        summary="“나도 같은 문제”: count me as affected",
        description="The caller is told when the notice is resolved. "
        "Pressing it again changes nothing.",
        parameters=[ID],
        request=None,
        responses={
            200: StaffIncidentSerializer,
            400: ERRORS[400],
            404: ERRORS[404],
        },
    )
    @action(detail=True, methods=["post"])
    def affected(self, request, pk=None):
        incident = self.get_object()
        services.incident_subscribe(incident=incident, by=request.user)
        return Response(self.incident_data(incident))
