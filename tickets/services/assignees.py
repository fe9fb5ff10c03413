"""Tickets whose assignee may no longer work them go back to the queue."""

from django.contrib.auth import get_user_model

from .. import policies
from ..models import Status, Ticket
from . import counters
from ._common import apply_assignee, save, write


@write
def tickets_unassign_lost_access(*, assignee_ids, by=None) -> list[Ticket]:
    """Unassign every ticket not closed of these users who can no longer be assigned.

    Called when users are demoted or deactivated (`tickets/receivers.py`), by
    whatever path: a trusted one, so no permission check and, unless `by` is
    given, no actor in the history. Users who may still be assigned keep their
    tickets. Each ticket gets its "assignee changed" history entry and a new
    version, keeps its status, and shows in the queue as unassigned; a
    resolved one is unassigned too, since the requester's reply reopens it.
    Closed tickets keep the name of whoever worked them.
    """
    users = get_user_model().objects.filter(pk__in=list(assignee_ids))
    lost = [user.pk for user in users if not policies.can_be_assigned(user)]
    if not lost:
        return []
    tickets = list(
        Ticket.objects.select_for_update()
        .defer("search_text")
        .filter(assignee_id__in=lost)
        .exclude(status=Status.CLOSED)
        .order_by("pk")
    )
    if tickets:
        counters.touch()
    for ticket in tickets:
        save(ticket, apply_assignee(ticket, assignee=None, by=by))
    return tickets
