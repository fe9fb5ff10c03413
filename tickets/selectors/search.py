"""Text search over tickets: the reference parser and the word filters.

A word matches a substring of the title, the description or the location
(stored upper-cased in `search_text`, trigram-indexed on PostgreSQL), whatever
its case, or the ticket's reference. Two-character words (common in Korean:
메일, 계정) have no trigrams; they are answered from the stored two-character
pieces (`search_bigrams`, GIN-indexed). The word matching itself is
`servicedesk.search`, shared with the knowledge base.

Staff also find tickets by their requester's name or e-mail. Those stay in the
users table (a rename is found at once, nothing to rewrite): each word first
reads the ids of the people it names (trigram indexes on the two columns,
migration 0006), and the tickets then match `requester_id IN (…)` beside the
text, two indexed conditions PostgreSQL combines. A word naming very many
people (a mail domain) is matched through a subquery instead.
"""

import re

from django.db.models import Q, QuerySet

from accounts.models import User
from servicedesk.search import (
    MAX_SEARCH_TERMS,
    SEARCH_COLUMNS,
    search_bigrams,
    search_terms,
    term_filter,
    with_bigrams,
)

__all__ = [
    "MAX_SEARCH_TERMS",
    "SEARCH_COLUMNS",
    "parse_reference",
    "search_bigrams",
    "ticket_search",
]

# More people than this named by one word: a subquery rather than a list of ids.
MAX_PEOPLE_IDS = 500
REFERENCE_PATTERN = re.compile(r"^(?:sd-?)?0*(\d{1,15})$", re.IGNORECASE)


def parse_reference(text: str) -> int | None:
    """The ticket id in `SD-000123`, `sd-123` or `123`; None for anything else."""
    match = REFERENCE_PATTERN.match((text or "").strip())
    return int(match.group(1)) if match else None


def _term_filter(term: str) -> Q:
    text_match = term_filter(term)
    reference = parse_reference(term)
    if reference is not None:
        text_match |= Q(pk=reference)
    return text_match


def _requester_filter(term: str) -> Q | None:
    """Tickets whose requester's name or e-mail holds `term`; None if nobody's."""
    people = User.objects.filter(
        Q(name__icontains=term) | Q(email__icontains=term)
    ).order_by()
    ids = list(people.values_list("pk", flat=True)[: MAX_PEOPLE_IDS + 1])
    if not ids:
        return None
    if len(ids) > MAX_PEOPLE_IDS:
        return Q(requester__in=people.values("pk"))
    return Q(requester_id__in=ids)


def ticket_search(queryset: QuerySet, q: str, *, people: bool = False) -> QuerySet:
    """Narrow `queryset` to tickets matching every word of `q`.

    With `people` (staff only: a requester's search stays on their own
    tickets' text), a word also matches the requester's name or e-mail.
    """
    terms = search_terms(q)
    if not terms:
        return queryset
    queryset = with_bigrams(queryset)
    for term in terms:
        condition = _term_filter(term)
        requester = _requester_filter(term) if people else None
        queryset = queryset.filter(condition | requester if requester else condition)
    return queryset
