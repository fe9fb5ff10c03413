"""`POST /api/tickets/{id}/presence`: the ticket page's heartbeat (staff only).

The answer names the other agents who have the ticket open and whether they
are typing a reply. One database read: the check that the caller may see the
ticket (someone else's ticket is a 404, a requester's own a 403); the rest is
the shared cache (`tickets.services.presence`).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policies, selectors
from ..services import presence
from .serializers import TicketErrorSerializer


class PresenceSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=presence.STATES,
        help_text="`viewing` or `typing` (a heartbeat), or `left` (the page closed).",
    )


class PresentAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=[presence.VIEWING, presence.TYPING])


class PresenceAnswerSerializer(serializers.Serializer):
    others = PresentAgentSerializer(many=True)
    interval = serializers.IntegerField(
        help_text="Seconds until the next heartbeat is due."
    )


class TicketPresenceView(APIView):
    @extend_schema(
        summary="Say you have the ticket open; see who else has (staff)",
        request=PresenceSerializer,
        responses={
            200: PresenceAnswerSerializer,
            400: OpenApiResponse(description="`{state: [message]}`"),
            403: OpenApiResponse(TicketErrorSerializer, description="Staff only."),
            404: OpenApiResponse(TicketErrorSerializer, description="No such ticket."),
        },
        examples=[
            OpenApiExample(
                "Another agent is typing a reply",
                value={
                    "others": [{"id": 2, "name": "이담당", "state": "typing"}],
                    "interval": 15,
                },
                response_only=True,
            )
        ],
    )
    def post(self, request, pk):
        ticket = selectors.ticket_find(user=request.user, pk=int(pk))
        if ticket is None:
            raise NotFound(_("No such ticket."))
        if not policies.can_see_presence(request.user, ticket):
            raise PermissionDenied(_("Only IT staff see who has a ticket open."))
        serializer = PresenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        others = presence.ticket_presence_update(
            ticket_id=ticket.pk,
            by=request.user,
            state=serializer.validated_data["state"],
        )
        return Response({"others": others, "interval": presence.INTERVAL})
