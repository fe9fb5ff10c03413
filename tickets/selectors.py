"""Scoped reads for lists, search, counts and single tickets.

Views ask these functions rather than building querysets themselves, so the text
search can later move to another index without touching the views.
"""

import re

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from .models import PRIORITY_RANK, Comment, Status, Ticket, TicketEvent

MAX_SEARCH_TERMS = 8
_REFERENCE = re.compile(r"^(?:sd-?)?0*(\d{1,15})$", re.IGNORECASE)

# `ordering` values the list accepts, each a stable order with the id as the
# last key so that keyset (cursor) pagination never skips or repeats a row.
TICKET_ORDERINGS: dict[str, tuple[str, ...]] = {
    "-updated_at": ("-updated_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "-priority": ("-priority_rank", "-updated_at", "-id"),
    "priority": ("priority_rank", "-updated_at", "-id"),
}
DEFAULT_TICKET_ORDERING = "-updated_at"


def with_priority_rank(queryset: QuerySet) -> QuerySet:
    """Annotate `priority_rank` (0 = low … 3 = urgent) to sort by severity."""
    return queryset.annotate(
        priority_rank=Case(
            *(
                When(priority=code, then=Value(rank))
                for code, rank in PRIORITY_RANK.items()
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def ticket_list(*, user) -> QuerySet:
    """Tickets the user may see, with everything a list row shows joined in."""
    queryset = Ticket.objects.visible_to(user).select_related(
        "category", "requester", "assignee"
    )
    return with_priority_rank(queryset)


def ticket_get(*, user, pk) -> Ticket:
    """One ticket the user may see, or Http404 (also for someone else's ticket)."""
    return get_object_or_404(ticket_list(user=user), pk=pk)


def ticket_counts(*, user) -> dict[str, int]:
    """Number of visible tickets per status; every status present, zero or not."""
    counts = dict.fromkeys(Status.values, 0)
    rows = (
        Ticket.objects.visible_to(user)
        .order_by()
        .values_list("status")
        .annotate(total=Count("id"))
    )
    counts.update(dict(rows))
    return counts


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


# --- Text search ---------------------------------------------------------------


def search_bigrams(*texts: str) -> str:
    """Every two-character piece of every word, upper-cased, space-separated.

    Stored on the ticket so that PostgreSQL can answer two-character terms
    (common in Korean: 메일, 계정) from a GIN index; trigram indexes cannot.
    """
    pieces: set[str] = set()
    for text in texts:
        for word in (text or "").upper().split():
            pieces.update(word[i : i + 2] for i in range(len(word) - 1))
    return " ".join(sorted(pieces))


def _bigram_array():
    # Exactly the expression indexed by migration 0003, or the index is unused.
    return Func(
        F("search_bigrams"),
        Value(" "),
        function="string_to_array",
        output_field=ArrayField(TextField()),
    )


def _term_filter(term: str) -> Q:
    upper = term.upper()
    if connection.vendor == "postgresql" and len(upper) == 2:
        text_match = Q(_bigrams__contains=[upper])
    else:
        # icontains is UPPER(col) LIKE UPPER(%s) on PostgreSQL: the trigram
        # indexes of migration 0003 are on exactly those expressions.
        text_match = Q(title__icontains=term) | Q(description__icontains=term)
    reference = _REFERENCE.match(term)
    if reference:
        text_match |= Q(pk=int(reference.group(1)))
    return text_match


def ticket_search(queryset: QuerySet, q: str) -> QuerySet:
    """Narrow `queryset` to tickets matching every word of `q`.

    A word matches a substring of the title or the description, whatever its
    case, or the reference (`SD-000123`, `sd-123` and `123` all find ticket 123).
    """
    terms = (q or "").split()[:MAX_SEARCH_TERMS]
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        queryset = queryset.alias(_bigrams=_bigram_array())
    for term in terms:
        queryset = queryset.filter(_term_filter(term))
    return queryset
