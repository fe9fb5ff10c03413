"""Links between tickets and merging (staff only): thin views over the services.

Someone else's ticket is a 404 (it is looked up among the caller's visible
tickets first); a requester on their own ticket gets 403.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    OpenApiTypes,
    extend_schema,
)
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from attachments.api.views import StorageDown
from attachments.storage import StorageUnavailable

from .. import policies, selectors, services
from .serializers import (
    TicketLinkCreateSerializer,
    TicketLinkSerializer,
    TicketMergeSerializer,
    TicketSerializer,
)
from .views import ERRORS, ID

LINK_ID = OpenApiParameter(
    "link_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The link's id."
)


class StaffTicketActionMixin:
    """The URL's ticket, if the caller may see it (404) and act on it (403)."""

    policy = None  # a function (user, ticket) -> bool from tickets.policies
    refused = ""  # the 403's message

    def get_ticket(self):
        ticket = selectors.ticket_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        if not self.policy(self.request.user, ticket):
            raise PermissionDenied(self.refused)
        return ticket


class TicketLinksView(StaffTicketActionMixin, generics.GenericAPIView):
    policy = staticmethod(policies.can_manage_links)
    serializer_class = TicketLinkSerializer
    pagination_class = None
    filter_backends = []
    refused = gettext_lazy("Only IT staff can link tickets.")

    @extend_schema(
        summary="Links of a ticket (staff)",
        description="`related` and `duplicate` links, either way round, oldest "
        "first; `ticket` is the ticket at the other end.",
        parameters=[ID],
        responses={200: TicketLinkSerializer(many=True), **ERRORS},
    )
    def get(self, request, pk):
        ticket = self.get_ticket()
        links = selectors.ticket_links(user=request.user, ticket=ticket)
        context = self.get_serializer_context()
        return Response(TicketLinkSerializer(links, many=True, context=context).data)

    @extend_schema(
        summary="Link a ticket to another (staff)",
        parameters=[ID],
        request=TicketLinkCreateSerializer,
        responses={201: TicketLinkSerializer, **ERRORS},
    )
    def post(self, request, pk):
        ticket = self.get_ticket()
        serializer = TicketLinkCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        link = services.ticket_link_add(
            ticket=ticket,
            other=serializer.validated_data["ticket"],
            kind=serializer.validated_data["kind"],
            by=request.user,
        )
        link.other_ticket = link.other(ticket)
        data = TicketLinkSerializer(link, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class TicketLinkDetailView(StaffTicketActionMixin, generics.GenericAPIView):
    policy = staticmethod(policies.can_manage_links)
    serializer_class = TicketLinkSerializer
    pagination_class = None
    filter_backends = []
    refused = gettext_lazy("Only IT staff can link tickets.")

    @extend_schema(
        summary="Remove a link (staff)",
        parameters=[ID, LINK_ID],
        responses={204: None, **ERRORS},
    )
    def delete(self, request, pk, link_id):
        ticket = self.get_ticket()
        link = selectors.ticket_link_get(
            user=request.user, ticket=ticket, pk=int(link_id)
        )
        services.ticket_link_remove(link=link, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TicketMergeView(StaffTicketActionMixin, generics.GenericAPIView):
    policy = staticmethod(policies.can_merge_ticket)
    serializer_class = TicketMergeSerializer
    pagination_class = None
    filter_backends = []
    refused = gettext_lazy("Only IT staff can merge tickets.")

    def handle_exception(self, exc):
        if isinstance(exc, StorageUnavailable):  # copying the files: 503
            exc = StorageDown()
        return super().handle_exception(exc)

    @extend_schema(
        summary="Merge this ticket into another (staff)",
        description="Closes this ticket with `merged_into` set; its public "
        "conversation and files are copied to the target as one internal note "
        "(never shown to the target's requester); a `duplicate` link joins "
        "the two; this ticket's requester is told. Refused with 400: into "
        "itself, into a closed or merged ticket, a closed or merged source.",
        parameters=[ID],
        request=TicketMergeSerializer,
        responses={
            200: TicketSerializer,
            **ERRORS,
            503: OpenApiResponse(description="The file storage cannot be reached."),
        },
    )
    def post(self, request, pk):
        ticket = self.get_ticket()
        serializer = TicketMergeSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        source = services.ticket_merge(
            source=ticket, by=request.user, **serializer.validated_data
        )
        source = selectors.ticket_get(user=request.user, pk=source.pk)
        context = self.get_serializer_context()
        return Response(TicketSerializer(source, context=context).data)
