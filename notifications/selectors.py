"""Reads of the notifications app: every query the pages and the API start from."""

from .models import Notification, NotificationPreference

BADGE_LIMIT = 99
"""The navigation badge counts this far, then says "99+"."""


def notification_list(*, user):
    """The user's notifications, newest first (with their tickets)."""
    return Notification.objects.for_user(user).select_related("ticket")


def unread_count(*, user) -> int:
    """Every unread notification of the user (the API tells the whole number)."""
    return Notification.objects.for_user(user).unread().count()


def unread_badge_count(*, user) -> int:
    """The user's unread notifications, counted up to BADGE_LIMIT + 1.

    An agent told of every new ticket can have thousands unread; the badge
    only needs to know whether there are more than BADGE_LIMIT, so the count
    stops there instead of scanning them all on every page view.
    """
    unread = Notification.objects.for_user(user).unread().order_by().values("pk")
    return unread[: BADGE_LIMIT + 1].count()


def preference_get(*, user) -> NotificationPreference:
    """The user's preferences, unsaved defaults when they never chose."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)
