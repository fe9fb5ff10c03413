"""The knowledge base pages: the list with its search, and one article.

Reads go through `selectors` (always `visible_to`), the one write (a
deflection) through `services`; `policies` decides what a page offers.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import policies, selectors, services

PAGE_SIZE = 20


class ArticleListView(LoginRequiredMixin, TemplateView):
    """Articles the reader may see, searched and filtered, 20 a page."""

    template_name = "knowledge/article_list.html"

    def get_context_data(self, **kwargs):
        filterset = selectors.article_filterset(
            user=self.request.user, filters=self.request.GET
        )
        errors, page = [], None
        try:
            articles = selectors.filterset_articles(filterset)
        except ValidationError as error:
            errors = [m for ms in error.message_dict.values() for m in ms]
        else:
            page = Paginator(articles, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            nav="kb",
            form=filterset.form,
            page=page,
            errors=errors,
            previous_url=self.page_link(page.previous_page_number())
            if page and page.has_previous()
            else None,
            next_url=self.page_link(page.next_page_number())
            if page and page.has_next()
            else None,
            can_see_unpublished=policies.can_see_unpublished(self.request.user),
            **kwargs,
        )

    def page_link(self, number: int) -> str:
        query = self.request.GET.copy()
        query["page"] = number
        return f"?{query.urlencode()}"


class ArticleDetailView(LoginRequiredMixin, TemplateView):
    template_name = "knowledge/article_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        article = selectors.article_get(user=user, pk=self.kwargs["pk"])
        return super().get_context_data(
            nav="kb",
            article=article,
            can_see_unpublished=policies.can_see_unpublished(user),
            can_deflect=policies.can_deflect(user, article),
            **kwargs,
        )


class ArticleDeflectView(LoginRequiredMixin, View):
    """ "이 글로 해결됐어요" without JavaScript: count it, then back to the article."""

    def post(self, request, pk):
        article = selectors.article_get(user=request.user, pk=pk)
        services.deflection_record(article=article, by=request.user)
        messages.success(
            request, _("Glad it helped. No ticket needed: thank you for telling us.")
        )
        return redirect(article)
