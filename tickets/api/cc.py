"""The ticket API's CC and follow actions (a mixin of `TicketViewSet`).

`GET/POST /api/tickets/{id}/cc`, `DELETE /api/tickets/{id}/cc/{user_id}`,
`POST/DELETE /api/tickets/{id}/follow`: thin adapters over
`tickets.services.cc` and `tickets.selectors`.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from servicedesk.api import ID_PATTERN

from .. import selectors, services
from .serializers import (
    TicketCCCreateSerializer,
    TicketCCSerializer,
    TicketErrorSerializer,
    TicketFollowSerializer,
)

TICKET_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The ticket's id."
)
USER_ID = OpenApiParameter(
    "user_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The CC'd user's id.",
)
BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description="`{email: [message]}`")
REFUSED = OpenApiResponse(TicketErrorSerializer, description="Not allowed.")
MISSING = OpenApiResponse(
    TicketErrorSerializer, description="No such ticket (or not yours to see)."
)


class TicketCCActions:
    """CC and follow actions for `TicketViewSet` (it provides `get_object`)."""

    @extend_schema(
        methods=["get"],
        summary="People copied on a ticket (CC)",
        description="Everyone who may see the ticket sees who is copied on it, "
        "first added first.",
        parameters=[TICKET_ID],
        responses={200: TicketCCSerializer(many=True), 404: MISSING},
    )
    @extend_schema(
        methods=["post"],
        summary="Copy someone on a ticket (its requester or staff)",
        description="By the e-mail address of an active user. 400 for an "
        "unknown or deactivated address, the requester, or someone already "
        "copied.",
        parameters=[TICKET_ID],
        request=TicketCCCreateSerializer,
        responses={
            201: TicketCCSerializer,
            400: BAD_INPUT,
            403: REFUSED,
            404: MISSING,
        },
    )
    @action(
        detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None
    )
    def cc(self, request, pk=None):
        ticket = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            ccs = selectors.ticket_cc_list(user=request.user, ticket=ticket)
            return Response(TicketCCSerializer(ccs, many=True, context=context).data)
        serializer = TicketCCCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cc = services.ticket_cc_add(
            ticket=ticket, person=serializer.validated_data["email"], by=request.user
        )
        return Response(
            TicketCCSerializer(cc, context=context).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Take someone off a ticket's CCs",
        description="The requester and staff remove anyone; a CC'd user "
        "themself. 404 when that user is not copied on the ticket.",
        parameters=[TICKET_ID, USER_ID],
        request=None,
        responses={204: None, 403: REFUSED, 404: MISSING},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=rf"cc/(?P<user_id>{ID_PATTERN})",
        url_name="cc-remove",
        filter_backends=[],
        pagination_class=None,
    )
    def cc_remove(self, request, pk=None, user_id=None):
        ticket = self.get_object()
        services.ticket_cc_remove(ticket=ticket, person=int(user_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Follow a ticket, or stop following it (staff)",
        description="POST: be told of the ticket's changes as its assignee "
        "is. DELETE: stop. Both answer whether the caller now follows it.",
        parameters=[TICKET_ID],
        request=None,
        responses={200: TicketFollowSerializer, 403: REFUSED, 404: MISSING},
    )
    @action(
        detail=True,
        methods=["post", "delete"],
        filter_backends=[],
        pagination_class=None,
    )
    def follow(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "POST":
            services.ticket_follow(ticket=ticket, by=request.user)
        else:
            services.ticket_unfollow(ticket=ticket, by=request.user)
        following = selectors.ticket_is_followed(user=request.user, ticket=ticket)
        return Response(TicketFollowSerializer({"following": following}).data)
