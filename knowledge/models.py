"""Knowledge base: articles, and the times one answered a question (deflections).

Articles are written in the Django admin and saved through
`knowledge.services.article_save`, which renders the Markdown body into the
stored, sanitised `body_html` and keeps the search pieces.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Concat, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Language

from .querysets import ArticleQuerySet


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Article(models.Model):
    """One article in one language; a translation is an article of its own.

    One language per article keeps the admin form, the search columns and the
    list simple for a school's IT team: most articles exist in Korean only,
    and an English one is written when it is needed.
    """

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("body"), help_text=_("Markdown. Scripts and unsafe links are removed.")
    )
    # The body rendered and sanitised at save time (see knowledge.markdown).
    body_html = models.TextField(_("rendered body"), blank=True, editable=False)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        default=Language.KOREAN,
    )
    category = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
    )
    internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_("Staff notes: never shown to requesters, even when published."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Search columns, as on tickets (servicedesk.search): the two-character
    # pieces kept by the service, the upper-cased words by the database.
    search_bigrams = models.TextField(blank=True, default="", editable=False)
    search_text = models.GeneratedField(
        expression=Upper(
            Concat(
                "title",
                models.Value(" "),
                "body",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(
                fields=["-updated_at"],
                condition=models.Q(status="published", internal=False),
                name="article_public_idx",
            ),
        ]
        # PostgreSQL-only search indexes (trigram on `search_text`, bigram) are
        # created by migration 0001 and skipped on other databases.

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and not self.internal

    @property
    def absolute_url(self) -> str:
        """The link staff paste into replies, which are also sent by e-mail."""
        return f"{settings.APP_BASE_URL}{self.get_absolute_url()}"


class Deflection(models.Model):
    """A reader said an article solved their problem (no ticket needed).

    One row per reader, article and day rather than a counter: a double click,
    or the same reader coming back the same day, is counted once, and the rows
    can later be reported by day or category.
    """

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="deflections",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user", "day"], name="deflection_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.article_id} · {self.user_id} · {self.day}"
