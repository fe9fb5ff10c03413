"""Every write to articles and deflections."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.search import search_bigrams

from . import policies
from .markdown import render_markdown
from .models import Article, Deflection


@transaction.atomic
def article_save(*, article: Article, by) -> Article:
    """Create or update an article: its rendered body and search pieces follow.

    The caller (the admin) has checked the form; `by` becomes the author of a
    new article.
    """
    if article.pk is None and article.author_id is None:
        article.author = by
    article.body_html = render_markdown(article.body)
    article.search_bigrams = search_bigrams(article.title, article.body)
    article.full_clean(exclude=["category", "author"])
    article.save()
    return article


def article_render_all() -> int:
    """Render every article again (after a change of the sanitiser's rules)."""
    count = 0
    for article in Article.objects.order_by("pk").iterator():
        html = render_markdown(article.body)
        if html != article.body_html:
            Article.objects.filter(pk=article.pk).update(body_html=html)
            count += 1
    return count


def deflection_record(*, article: Article, by) -> bool:
    """Count that `article` solved `by`'s problem; once a reader, article and day.

    Returns whether this call counted (False: already counted today, such as a
    double click). The caller found `article` through `visible_to(by)`.
    """
    if not policies.can_deflect(by, article):
        raise PermissionDenied(_("Only the people the desk serves are counted."))
    day = timezone.localdate()
    try:
        with transaction.atomic():
            _deflection, created = Deflection.objects.get_or_create(
                article=article, user=by, day=day
            )
    except IntegrityError:  # the same click, a moment earlier, in another request
        return False
    return created
