"""`/api/tickets/{id}/satisfaction`: the requester rates the resolution (CSAT).

POST saves the rating of the ticket's current resolution through
`services.satisfaction_rate` (a second one replaces the first); GET lists the
ticket's ratings. Both are the requester's and staff's (GET) or the
requester's alone (POST): anyone else gets 404, as if there were no ticket.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policies, selectors, services
from ..models import Satisfaction, SatisfactionRating
from ..services.satisfaction import MAX_COMMENT_LENGTH
from .serializers import TicketErrorSerializer

TICKET_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The ticket's id."
)
MISSING = OpenApiResponse(
    TicketErrorSerializer,
    description="No such ticket, or not its requester (POST) / not its requester "
    "or staff (GET).",
)


class SatisfactionRateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(
        max_length=MAX_COMMENT_LENGTH, allow_blank=True, required=False, default=""
    )


class SatisfactionRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = SatisfactionRating
        fields = ["rating", "comment", "resolved_at", "created_at", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {
            "resolved_at": {
                "help_text": "The resolution rated (the ticket's `resolved_at` then)."
            },
        }


class TicketSatisfactionView(APIView):
    def ticket(self, request, pk, *, allowed):
        """The ticket of the URL if `allowed(user, ticket)`, else 404."""
        ticket = selectors.ticket_find(user=request.user, pk=int(pk))
        if ticket is None or not allowed(request.user, ticket):
            raise NotFound(_("No such ticket."))
        return ticket

    @extend_schema(
        summary="Ratings of a ticket's resolutions (its requester and staff)",
        description="Latest resolution first; one rating per resolution.",
        parameters=[TICKET_ID],
        responses={200: SatisfactionRatingSerializer(many=True), 404: MISSING},
    )
    def get(self, request, pk):
        ticket = self.ticket(request, pk, allowed=policies.can_see_satisfaction)
        ratings = selectors.satisfaction_list(user=request.user, ticket=ticket)
        return Response(SatisfactionRatingSerializer(ratings, many=True).data)

    @extend_schema(
        summary="Rate the resolution of your ticket (its requester)",
        description="Rates the ticket's current resolution: a resolved ticket, "
        "or one closed after it was resolved (else 400). Rating the same "
        "resolution again replaces the rating; after the ticket was reopened "
        "and resolved again it is a new one.",
        parameters=[TICKET_ID],
        request=SatisfactionRateSerializer,
        responses={
            200: SatisfactionRatingSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="`{rating: [...]}`, `{comment: [...]}`, or "
                "`{non_field_errors: [...]}` when there is no resolution to rate.",
            ),
            404: MISSING,
        },
        examples=[
            OpenApiExample(
                "Not good, with a comment",
                value={"rating": "bad", "comment": "두 번 방문하셔야 했어요."},
                request_only=True,
            ),
            OpenApiExample(
                "Nothing to rate yet",
                value={
                    "non_field_errors": [
                        "This ticket is not resolved: there is nothing to rate yet."
                    ]
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request, pk):
        # Someone else's ticket is a 404 before any 400.
        ticket = self.ticket(request, pk, allowed=policies.can_rate_ticket)
        serializer = SatisfactionRateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = services.satisfaction_rate(
            ticket=ticket, by=request.user, **serializer.validated_data
        )
        return Response(SatisfactionRatingSerializer(rating).data)
