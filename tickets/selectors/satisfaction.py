"""Scoped reads of satisfaction ratings (CSAT): the ticket page, the API, reports."""

from django.db.models import Count, Q, QuerySet

from .. import policies
from ..models import Satisfaction, SatisfactionRating, Ticket
from ..satisfaction_links import current_resolution


def satisfaction_list(*, user, ticket: Ticket) -> QuerySet:
    """The ticket's ratings, latest resolution first: staff and its requester."""
    if not policies.can_see_satisfaction(user, ticket):
        return SatisfactionRating.objects.none()
    return SatisfactionRating.objects.filter(ticket=ticket)


def satisfaction_current(*, user, ticket: Ticket) -> SatisfactionRating | None:
    """The rating of the ticket's current resolution, if there is one to show."""
    resolution = current_resolution(ticket)
    if resolution is None:
        return None
    return (
        satisfaction_list(user=user, ticket=ticket)
        .filter(resolved_at=resolution)
        .first()
    )


def satisfaction_summary(*, tickets: QuerySet, start=None, end=None) -> dict:
    """How the resolutions of `tickets` were rated, in one query.

    `{"count", "good", "bad", "good_percent"}`: the ratings of resolutions
    made from `start` (included) to `end` (excluded) when given, of the
    tickets in `tickets` (the caller's scoped, filtered queryset: e.g. the
    reports' `ticket_list(user=…)`). `good_percent` is rounded to one decimal,
    None without any rating.
    """
    ratings = SatisfactionRating.objects.filter(ticket__in=tickets.values("pk"))
    if start is not None:
        ratings = ratings.filter(resolved_at__gte=start)
    if end is not None:
        ratings = ratings.filter(resolved_at__lt=end)
    totals = ratings.aggregate(
        count=Count("pk"), good=Count("pk", filter=Q(rating=Satisfaction.GOOD))
    )
    count, good = totals["count"], totals["good"]
    return {
        "count": count,
        "good": good,
        "bad": count - good,
        "good_percent": round(100 * good / count, 1) if count else None,
    }
