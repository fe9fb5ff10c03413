"""The unread count for the navigation badge."""

from functools import cache

from .selectors import unread_badge_count


def unread_count(request):
    """Offer `notifications_unread_count`, counted on first use.

    Templates call a callable when they read it, so pages that never show the
    badge never run the query (nor load the session), anonymous visitors get 0
    without one, and a page that reads it twice counts once. The count stops at
    BADGE_LIMIT + 1; the `{% unread_badge %}` tag shows it.
    """

    @cache
    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return unread_badge_count(user=user)

    return {"notifications_unread_count": count}
