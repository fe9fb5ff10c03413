"""`/api/canned-replies`: the IT team's canned replies (requesters get 403).

A list shows the shared canned replies and the caller's own. Someone else's
personal one is not the caller's to see (404); a shared one they may see but
not change (an agent) is a 403. `?ticket=<id>` adds `filled`: the body with
its placeholders filled in for that ticket, as the caller would send it (the
ticket page's script inserts that).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response

from servicedesk.api import ID_PATTERN

from .. import policies, selectors, services
from ..models import CannedReply, CannedReplyLanguage
from .serializers import TicketErrorSerializer


class CannedReplySerializer(serializers.ModelSerializer):
    shared = serializers.BooleanField(
        source="is_shared",
        required=False,
        default=False,
        help_text="Shared with the whole IT team (only admins create or edit "
        "those); otherwise the caller's own.",
    )
    editable = serializers.SerializerMethodField(
        help_text="Whether the caller may change or delete it."
    )
    filled = serializers.SerializerMethodField(
        help_text="The body with its placeholders filled in for `?ticket=`; "
        "null without it."
    )

    class Meta:
        model = CannedReply
        fields = [
            "id",
            "title",
            "body",
            "language",
            "shared",
            "editable",
            "filled",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_editable(self, canned) -> bool:
        return policies.can_edit_canned_reply(self.context["request"].user, canned)

    def get_filled(self, canned) -> str | None:
        ticket = self.context.get("ticket")
        if ticket is None:
            return None
        user = self.context["request"].user
        return services.canned_reply_fill(canned=canned, ticket=ticket, by=user)


class CannedReplyUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = CannedReply
        fields = ["title", "body", "language"]
        extra_kwargs = {name: {"required": False} for name in fields}


class CannedReplyQuerySerializer(serializers.Serializer):
    """The query string of the list and of one canned reply."""

    ticket = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Fill the placeholders for this ticket (`filled`).",
    )
    language = serializers.ChoiceField(
        choices=CannedReplyLanguage.choices,
        required=False,
        help_text="Only this language and those for any language (list only).",
    )


class IsCannedReplyUser(permissions.BasePermission):
    message = _lazy("Canned replies are for IT staff.")

    def has_permission(self, request, view):
        return policies.can_use_canned_replies(request.user)


QUERY = [
    OpenApiParameter(
        "ticket",
        OpenApiTypes.INT,
        description="Fill the placeholders for this ticket (`filled`); 404 if "
        "the caller may not see it.",
    ),
]
ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="`{field: [message]}`"),
    403: OpenApiResponse(TicketErrorSerializer, description="Not for this caller."),
    404: OpenApiResponse(
        TicketErrorSerializer,
        description="No such canned reply (or someone else's), or no such ticket.",
    ),
}
EXAMPLE = OpenApiExample(
    "A shared canned reply, filled for a ticket",
    value={
        "id": 3,
        "title": "비밀번호 초기화 안내",
        "body": "{{ requester_name }} 님, {{ ticket_reference }} 건 확인했습니다.",
        "language": "ko",
        "shared": True,
        "editable": False,
        "filled": "김학생 님, SD-000123 건 확인했습니다.",
        "created_at": "2026-11-22T09:00:00+09:00",
        "updated_at": "2026-11-22T09:00:00+09:00",
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary="Canned replies (staff)",
        description="The shared canned replies, then the caller's own, by title.",
        parameters=[
            *QUERY,
            OpenApiParameter(
                "language",
                OpenApiTypes.STR,
                enum=CannedReplyLanguage.values,
                description="Only this language and those for any language.",
            ),
        ],
        responses={200: CannedReplySerializer(many=True), **ERRORS},
        examples=[EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="One canned reply (staff)",
        parameters=QUERY,
        responses={200: CannedReplySerializer, **ERRORS},
        examples=[EXAMPLE],
    ),
    create=extend_schema(
        summary="Keep a canned reply (staff)",
        description="The caller's own; `shared: true` (admins only) makes one "
        "for the whole team.",
        responses={201: CannedReplySerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a canned reply (its owner; admins for shared ones)",
        request=CannedReplyUpdateSerializer,
        responses={200: CannedReplySerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a canned reply (its owner; admins for shared ones)",
        responses={204: None, **ERRORS},
    ),
)
class CannedReplyViewSet(viewsets.ModelViewSet):
    serializer_class = CannedReplySerializer
    permission_classes = [permissions.IsAuthenticated, IsCannedReplyUser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = ID_PATTERN
    filter_backends = []
    pagination_class = None

    def query(self) -> dict:
        params = CannedReplyQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data

    def get_queryset(self):
        language = self.query().get("language") if self.action == "list" else None
        return selectors.canned_reply_list(user=self.request.user, language=language)

    def get_object(self):
        return selectors.canned_reply_get(
            user=self.request.user, pk=int(self.kwargs["pk"])
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action in ("list", "retrieve"):
            ticket_id = self.query().get("ticket")
            if ticket_id is not None:
                context["ticket"] = selectors.ticket_get(
                    user=self.request.user, pk=ticket_id
                )
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        shared = data.pop("is_shared", False)
        canned = services.canned_reply_create(by=request.user, shared=shared, **data)
        data = self.get_serializer(canned).data
        return Response(data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        canned = self.get_object()
        if not policies.can_edit_canned_reply(request.user, canned):
            self.permission_denied(
                request, message=_("Only its owner can change this canned reply.")
            )
        serializer = CannedReplyUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        canned = services.canned_reply_update(
            canned=canned, by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(canned).data)

    def destroy(self, request, *args, **kwargs):
        canned = self.get_object()
        services.canned_reply_delete(canned=canned, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
