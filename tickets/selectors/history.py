"""A ticket's conversation and history as the viewer may see them."""

from django.db.models import QuerySet

from accounts.models import User

from ..models import Category, Comment, EventKind, Ticket, TicketEvent


def comment_list(*, user, ticket: Ticket) -> QuerySet:
    """Comments of one ticket the user may see, oldest first."""
    return (
        Comment.objects.visible_to(user)
        .filter(ticket=ticket)
        .select_related("author")
        .order_by("created_at", "id")
    )


def event_list(*, user, ticket: Ticket) -> QuerySet:
    """History of one ticket the user may see, oldest first."""
    return (
        TicketEvent.objects.visible_to(user)
        .filter(ticket=ticket)
        .select_related("actor")
        .order_by("created_at", "id")
    )


# History entries whose values are user ids (assignee, people CC'd).
PEOPLE_KINDS = frozenset({EventKind.ASSIGNED, EventKind.CC_ADDED, EventKind.CC_REMOVED})


def event_subjects(events) -> tuple[dict, dict]:
    """The people and categories the history entries name, by id and by slug."""
    people_ids = {
        int(value)
        for event in events
        if event.kind in PEOPLE_KINDS
        for value in (event.old_value, event.new_value)
        if value.isdigit() and len(value) < 19
    }
    people = User.objects.in_bulk(people_ids) if people_ids else {}
    categories = (
        Category.objects.in_bulk(field_name="slug")
        if any(event.kind == EventKind.CATEGORY_CHANGED for event in events)
        else {}
    )
    return people, categories
