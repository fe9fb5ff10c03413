"""The unread count for the navigation badge."""

from functools import cache

from .services import unread_count as unread_count_for


def unread_count(request):
    """Offer `notifications_unread_count` to templates, computed on first use.

    Templates call a callable when they read it, so pages that never show the
    badge never run the query (nor load the session), and anonymous visitors
    get 0 without one.
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
        return unread_count_for(user=user)

    return {"notifications_unread_count": count}
