"""The article list's filters: one FilterSet for the /kb/ page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from tickets.models import Category

from .models import Article
from .search import article_search


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        max_length=200,
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="slug",
        label=_("Category"),
        empty_label=_("All categories"),
    )
    language = django_filters.ChoiceFilter(
        choices=Language.choices,
        label=_("Language"),
        empty_label=_("All languages"),
    )
    public = django_filters.BooleanFilter(
        method="filter_public",
        label=_("Public only"),
    )

    class Meta:
        model = Article
        fields = ["q", "category", "language", "public"]

    def filter_q(self, queryset, name, value):
        return article_search(queryset, value)

    def filter_public(self, queryset, name, value):
        return queryset.public() if value else queryset
