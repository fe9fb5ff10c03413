"""Scoped reads of articles: lists, search, suggestions, one article.

Every read starts from `Article.objects.visible_to(user)`. Searching uses the
tickets' word matching (`servicedesk.search`): a word of three or more
characters is a substring of the upper-cased title and body (trigram index on
PostgreSQL), a two-character word one of the stored two-character pieces
(bigram index), so 메일 or 계정 are found as on tickets.
"""

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import translation

from servicedesk.search import SEARCH_COLUMNS, term_filter, with_bigrams

from . import policies
from .filters import ArticleFilter
from .models import Article
from .search import suggestion_terms

SUGGESTION_LIMIT = 5


def _ordered(queryset: QuerySet, *first: str) -> QuerySet:
    """After `first`: the reader's language first, then the most recently updated."""
    language = (translation.get_language() or "ko").split("-")[0]
    return queryset.annotate(
        other_language=Case(
            When(language=language, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by(*first, "other_language", "-updated_at", "-pk")


def _readable(user) -> QuerySet:
    return (
        Article.objects.visible_to(user)
        .select_related("category")
        .defer("body", *SEARCH_COLUMNS)
    )


def article_filterset(*, user, filters) -> ArticleFilter:
    return ArticleFilter(filters, queryset=_readable(user))


def article_list(*, user, filters=None) -> QuerySet:
    """Articles `user` may read, narrowed by `filters` (query parameters).

    Raises ValidationError with the filters' errors for a bad value.
    """
    return filterset_articles(article_filterset(user=user, filters=filters or {}))


def filterset_articles(filterset: ArticleFilter) -> QuerySet:
    """The filtered, ordered articles of a bound FilterSet, or ValidationError."""
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return _ordered(filterset.qs)


def article_get(*, user, pk) -> Article:
    """One article `user` may read, with the deflection count for staff; else 404."""
    articles = Article.objects.visible_to(user).select_related("category")
    if policies.can_see_unpublished(user):
        articles = articles.annotate(deflection_count=Count("deflections"))
    return get_object_or_404(articles.defer(*SEARCH_COLUMNS), pk=pk)


def article_suggestions(*, user, text: str) -> list[Article]:
    """Up to five articles `user` may read for a ticket title being typed.

    Unlike the search, any word may match; the articles matching the most
    words come first.
    """
    terms = suggestion_terms(text)
    if not terms:
        return []
    articles = with_bigrams(_readable(user))
    hits = sum(
        (
            Case(
                When(term_filter(term), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for term in terms
        ),
        start=Value(0),
    )
    ranked = _ordered(articles.annotate(hits=hits).filter(hits__gt=0), "-hits")
    return list(ranked[:SUGGESTION_LIMIT])
