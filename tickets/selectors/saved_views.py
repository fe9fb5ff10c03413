"""Saved views (queue filters) a staff member may see, and their counts."""

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from accounts.roles import is_staff_member

from ..models import SavedView
from .tickets import ticket_counts, ticket_filterset, ticket_total


def saved_view_list(*, user) -> QuerySet:
    """The user's own views and those the team shares; none for requesters."""
    if not is_staff_member(user):
        return SavedView.objects.none()
    return SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related(
        "owner"
    )


def saved_view_get(*, user, pk) -> SavedView:
    """One view the user may see, or Http404 (someone else's personal view)."""
    return get_object_or_404(saved_view_list(user=user), pk=pk)


def saved_view_counts(*, user, views) -> dict[int, int]:
    """How many tickets each view shows `user` now, by view id.

    At most one query per view: views filtering by status alone add up the
    status counters (one query for all of them), any other is one COUNT over
    the same indexes as the queue (`ticket_total`). A view whose filters no
    longer hold (a category renamed away) counts as 0.
    """
    status_counts = None
    counts = {}
    for view in views:
        if status_counts is None:
            status_counts = ticket_counts(user=user)
        filterset = ticket_filterset(user=user, filters=QueryDict(view.query))
        if not filterset.is_valid():
            counts[view.pk] = 0
            continue
        counts[view.pk] = ticket_total(filterset, status_counts=status_counts)
    return counts
