"""The unread count for the navigation badge."""

from functools import cache

from django.utils.functional import SimpleLazyObject

from .services import badge_html, unread_badge_count


def unread_count(request):
    """Offer `notifications_unread_count` and the navigation badge's HTML.

    Both are computed on first use (templates call a callable when they read
    it), so pages that never show the badge never run the query (nor load the
    session), and anonymous visitors get 0 without one. The count stops at
    BADGE_LIMIT + 1 (the badge then says "99+").
    """

    @cache
    def count():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        # Read by the ticket pages in the query that reads the data version.
        known = getattr(request, "notifications_unread_count", None)
        if known is not None:
            return known
        return unread_badge_count(user=user)

    return {
        "notifications_unread_count": count,
        "notifications_badge": SimpleLazyObject(lambda: badge_html(count())),
    }
