"""The ticket API: a thin adapter over tickets.selectors, policies and services."""

import time

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from servicedesk.api import ID_PATTERN

from .. import cache as ticket_cache
from .. import policies, selectors, services
from ..filters import TicketFilter
from ..models import Ticket
from ..services import incidents as incident_services
from . import examples
from .cc import TicketCCActions
from .pagination import TicketCursorPagination
from .serializers import (
    CommentCreateSerializer,
    CommentSerializer,
    TicketActionSerializer,
    TicketCountsSerializer,
    TicketCreateSerializer,
    TicketErrorSerializer,
    TicketEventSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)

ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="`{field: [message]}`"),
    403: OpenApiResponse(
        TicketErrorSerializer, description="Not allowed for this user."
    ),
    404: OpenApiResponse(
        TicketErrorSerializer, description="No such ticket, or not yours to see."
    ),
}
ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The ticket's id."
)
CONFLICT = {
    409: OpenApiResponse(
        TicketErrorSerializer,
        description="`version` is not the ticket's current version.",
        examples=[examples.CONFLICT],
    )
}


@extend_schema_view(
    list=extend_schema(
        summary="List tickets",
        description="Tickets the caller may see (a requester: their own), "
        "newest activity first, one cursor page at a time.",
        examples=[examples.TICKET_PAGE],
    ),
    retrieve=extend_schema(
        summary="Get a ticket",
        parameters=[ID],
        responses={200: TicketSerializer, 404: ERRORS[404]},
        examples=[examples.TICKET],
    ),
)
class TicketViewSet(
    TicketCCActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    pagination_class = TicketCursorPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return selectors.ticket_list(user=self.request.user)

    def filter_queryset(self, queryset):
        """The list through the one ticket-list selector (the pages' too).

        `filterset_class` stays declared: the OpenAPI schema documents its
        parameters from it.
        """
        if self.action != "list":
            return queryset
        return selectors.ticket_list(
            user=self.request.user, filters=self.request.query_params
        )

    def list(self, request, *args, **kwargs):
        """A page of tickets; kept in the versioned cache (never stale)."""
        if type(request.accepted_renderer) is not JSONRenderer:
            return super().list(request, *args, **kwargs)

        def render():
            data = super(TicketViewSet, self).list(request, *args, **kwargs).data
            return JSONRenderer().render(data)

        parts = ("api-list", request.build_absolute_uri())
        if policies.can_see_internal(request.user):
            # Staff see service-level states, which move with the clock as
            # well as with the data: keyed on the minute, like the pages.
            parts += (int(time.time() // 60),)
        body = ticket_cache.get_or_compute(request.user, parts, render)
        return HttpResponse(body, content_type="application/json")

    def url_ticket_id(self) -> int:
        # Too large for the column is fine: Django's lookups find no row.
        return int(self.kwargs[self.lookup_url_kwarg or self.lookup_field])

    def get_object(self):
        return selectors.ticket_get(user=self.request.user, pk=self.url_ticket_id())

    def ticket_stub(self) -> Ticket:
        """The ticket of the URL by id only, for services that read it themselves."""
        return Ticket(pk=self.url_ticket_id())

    def _ticket_response(self, ticket, status_code=status.HTTP_200_OK):
        ticket = selectors.ticket_get(user=self.request.user, pk=ticket.pk)
        data = TicketSerializer(ticket, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="Open a ticket",
        request=TicketCreateSerializer,
        responses={201: TicketSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        examples=[
            examples.CREATE_BY_REQUESTER,
            examples.CREATE_BY_STAFF,
            examples.TICKET_CREATED,
            examples.URGENT_REFUSED,
        ],
    )
    def create(self, request, *args, **kwargs):
        names_requester = isinstance(request.data, dict) and "requester" in request.data
        if names_requester and not policies.can_create_ticket_for_others(request.user):
            raise PermissionDenied(
                _("Only IT staff can open a ticket for someone else.")
            )
        serializer = TicketCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = services.ticket_create(by=request.user, **serializer.validated_data)
        # The new ticket holds every object the answer shows (category, people):
        # no need to read it back.
        data = TicketSerializer(ticket, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change status, priority, category, assignee or tags (staff)",
        parameters=[ID],
        request=TicketUpdateSerializer,
        responses={200: TicketSerializer, **ERRORS, **CONFLICT},
        examples=[examples.PATCH, examples.TAGS, examples.ASSIGN_TO_REQUESTER_REFUSED],
    )
    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        if not policies.can_edit_staff_fields(request.user, ticket):
            raise PermissionDenied(
                _(
                    "Only IT staff can change the status, priority, category or assignee."
                )
            )
        serializer = TicketUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = services.ticket_update(
            ticket=ticket, by=request.user, **serializer.validated_data
        )
        return self._ticket_response(ticket)

    @extend_schema(
        summary="Close a ticket (its requester or staff)",
        parameters=[ID],
        request=TicketActionSerializer,
        responses={200: TicketSerializer, **ERRORS, **CONFLICT},
        examples=[examples.ACTION],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def close(self, request, pk=None):
        return self._ticket_action(request, services.ticket_close)

    @extend_schema(
        summary="Reopen a closed or resolved ticket (staff)",
        parameters=[ID],
        request=TicketActionSerializer,
        responses={200: TicketSerializer, **ERRORS, **CONFLICT},
        examples=[examples.ACTION],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reopen(self, request, pk=None):
        return self._ticket_action(request, services.ticket_reopen)

    @extend_schema(
        summary="Take the ticket off its outage notice (staff)",
        description="The ticket's history says so; resolving the notice no "
        "longer answers it. A ticket on no notice is a 400 (`not_linked`).",
        parameters=[ID],
        request=TicketActionSerializer,
        responses={200: TicketSerializer, **ERRORS, **CONFLICT},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="incident/unlink",
        url_name="incident-unlink",
        filter_backends=[],
        pagination_class=None,
    )
    def incident_unlink(self, request, pk=None):
        # The service asks the policy (403 for requesters).
        return self._ticket_action(request, incident_services.incident_unlink_ticket)

    def _ticket_action(self, request, service):
        """Run a body-less ticket action (`{version?}`) through its service."""
        ticket = self.get_object()
        serializer = TicketActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = service(ticket=ticket, by=request.user, **serializer.validated_data)
        return self._ticket_response(ticket)

    @extend_schema(
        summary="Tickets per status",
        description="Counts over the tickets the caller may see.",
        responses={200: TicketCountsSerializer},
        examples=[examples.COUNTS],
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def counts(self, request):
        return Response(selectors.ticket_counts(user=request.user))

    @extend_schema(
        methods=["get"],
        summary="Comments of a ticket",
        parameters=[ID],
        description="Oldest first. Requesters see public replies only.",
        responses={200: CommentSerializer(many=True), 404: ERRORS[404]},
        examples=[examples.COMMENTS],
    )
    @extend_schema(
        methods=["post"],
        summary="Reply, or add an internal note (staff)",
        parameters=[ID],
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, **ERRORS, **CONFLICT},
        examples=[
            examples.REPLY,
            examples.NOTE,
            examples.REPLY_AND_RESOLVE,
            examples.COMMENT_CREATED,
        ],
    )
    @action(
        detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None
    )
    def comments(self, request, pk=None):
        context = self.get_serializer_context()
        if request.method == "GET":
            ticket = self.get_object()
            comments = selectors.comment_list(user=request.user, ticket=ticket)
            return Response(
                CommentSerializer(comments, many=True, context=context).data
            )
        serializer = CommentCreateSerializer(data=request.data)
        if not serializer.is_valid():
            self.get_object()  # someone else's ticket: 404 before any 400
            raise ValidationError(serializer.errors)
        # The service reads the ticket under its row lock and answers 404 for
        # a ticket this user may not see: no read of it here beforehand.
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if "status" in data:
            comment = services.ticket_reply_and_status_change(
                ticket=self.ticket_stub(), by=request.user, version=version, **data
            )
        else:
            comment = services.ticket_reply(
                ticket=self.ticket_stub(), by=request.user, **data
            )
        return Response(
            CommentSerializer(comment, context=context).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="History of a ticket",
        parameters=[ID],
        description="Oldest first. Requesters do not see internal events.",
        responses={200: TicketEventSerializer(many=True), 404: ERRORS[404]},
        examples=[examples.EVENTS],
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def events(self, request, pk=None):
        ticket = self.get_object()
        events = selectors.event_list(user=request.user, ticket=ticket)
        return Response(
            TicketEventSerializer(
                events, many=True, context=self.get_serializer_context()
            ).data
        )
