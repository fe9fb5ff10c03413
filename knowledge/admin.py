"""Django admin for articles: where the IT team writes the knowledge base.

Saving goes through `services.article_save`, which renders the Markdown into
the stored, sanitised HTML; the change page previews that HTML and shows how
often the article solved a reader's problem.
"""

from django.contrib import admin
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "language",
        "category",
        "status",
        "internal",
        "deflection_count",
        "updated_at",
    )
    list_filter = ("status", "internal", "language", "category")
    search_fields = ("title",)
    fields = (
        "title",
        "language",
        "category",
        "status",
        "internal",
        "body",
        "preview",
        "deflection_count",
        "author",
        "updated_at",
    )
    readonly_fields = ("preview", "deflection_count", "author", "updated_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category", "author")
            .annotate(deflection_count=Count("deflections"))
        )

    @admin.display(description=_("Solved it (readers)"), ordering="deflection_count")
    def deflection_count(self, article):
        return getattr(article, "deflection_count", 0)

    @admin.display(description=_("Preview"))
    def preview(self, article):
        return render_to_string("knowledge/admin/preview.html", {"article": article})

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj, by=request.user)
