"""The knowledge base API: a thin adapter over knowledge.selectors and services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from servicedesk.api import ID_PATTERN
from tickets.api.serializers import TicketErrorSerializer

from .. import selectors, services
from ..filters import ArticleFilter
from ..models import Article
from .serializers import (
    ArticleSerializer,
    ArticleSummarySerializer,
    DeflectionSerializer,
    SuggestionsSerializer,
    SuggestQuerySerializer,
)

ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The article's id."
)
NOT_FOUND = OpenApiResponse(
    TicketErrorSerializer, description="No such article, or not one you may read."
)


class ArticlePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema_view(
    list=extend_schema(
        summary="List and search articles",
        description="Articles the caller may read: requesters get published, "
        "public ones; staff also drafts and internal notes. The reader's "
        "language first, then the most recently updated.",
        parameters=[
            OpenApiParameter(
                "q", description="Words in the title or body; every word must match."
            ),
            OpenApiParameter("category", description="A category's slug."),
            OpenApiParameter(
                "public",
                OpenApiTypes.BOOL,
                description="true: only articles a requester may read (staff "
                "picking a link for a reply).",
            ),
        ],
        responses={200: ArticleSummarySerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="Get an article",
        parameters=[ID],
        responses={200: ArticleSerializer, 404: NOT_FOUND},
    ),
)
class ArticleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = Article.objects.none()
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter  # documents the parameters; see filter_queryset
    pagination_class = ArticlePagination
    lookup_value_regex = ID_PATTERN

    def get_serializer_class(self):
        return ArticleSummarySerializer if self.action == "list" else ArticleSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        return selectors.article_list(user=self.request.user)

    def filter_queryset(self, queryset):
        """The list through the one article-list selector (the page's too)."""
        if self.action != "list":
            return queryset
        return selectors.article_list(
            user=self.request.user, filters=self.request.query_params
        )

    def get_object(self):
        return selectors.article_get(
            user=self.request.user, pk=int(self.kwargs[self.lookup_field])
        )

    @extend_schema(
        summary="Suggest articles for a ticket title",
        description="Up to five articles the caller may read matching any word "
        "of `q` (Korean particles ignored), the best matches first.",
        parameters=[SuggestQuerySerializer],
        responses={
            200: SuggestionsSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="`{q: [message]}`: text no field takes (a NUL character).",
            ),
        },
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def suggest(self, request):
        query = SuggestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        articles = selectors.article_suggestions(
            user=request.user, text=query.validated_data["q"][:200]
        )
        return Response({"results": ArticleSummarySerializer(articles, many=True).data})

    @extend_schema(
        summary="This article solved my problem",
        description="Counts a deflection: once per reader, article and day (a "
        "double click counts once). Requesters only; staff get 403.",
        parameters=[ID],
        request=None,
        responses={
            201: DeflectionSerializer,
            200: DeflectionSerializer,
            403: OpenApiResponse(TicketErrorSerializer, description="Staff."),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def deflect(self, request, pk=None):
        counted = services.deflection_record(article=self.get_object(), by=request.user)
        return Response(
            {"counted": counted},
            status=status.HTTP_201_CREATED if counted else status.HTTP_200_OK,
        )
