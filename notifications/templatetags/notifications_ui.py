"""The navigation badge: how many notifications are unread."""

from django import template
from django.utils.html import format_html
from django.utils.translation import ngettext

from ..selectors import BADGE_LIMIT

register = template.Library()


@register.simple_tag
def unread_badge(count):
    """` <span class="badge">N</span>`, or nothing when nothing is unread.

    Use as `{% unread_badge notifications_unread_count %}`: the template
    engine resolves the context processor's lazy count, so the query runs only
    where the badge is shown. The leading space keeps the badge apart from the
    link text without leaving a stray space when there is no badge.
    """
    count = int(count or 0)
    if count <= 0:
        return ""
    shown = f"{BADGE_LIMIT}+" if count > BADGE_LIMIT else str(count)
    label = ngettext("%(n)s unread", "%(n)s unread", count) % {"n": shown}
    return format_html(' <span class="badge" aria-label="{}">{}</span>', label, shown)
