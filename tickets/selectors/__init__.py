"""Scoped reads for lists, search, counts, single tickets and their history.

Views and the API ask these functions; every one starts from `visible_to`.
"""

from .history import comment_list, event_list, event_subjects
from .search import (
    MAX_SEARCH_TERMS,
    SEARCH_COLUMNS,
    parse_reference,
    search_bigrams,
    ticket_search,
)
from .tickets import (
    category_list,
    filterset_tickets,
    requester_recent_tickets,
    staff_list,
    ticket_counts,
    ticket_data_version,
    ticket_filterset,
    ticket_find,
    ticket_get,
    ticket_list,
    ticket_page,
    ticket_total,
    tickets_by_ids,
    with_priority_rank,
)

__all__ = [
    "MAX_SEARCH_TERMS",
    "SEARCH_COLUMNS",
    "category_list",
    "comment_list",
    "event_list",
    "event_subjects",
    "filterset_tickets",
    "parse_reference",
    "requester_recent_tickets",
    "search_bigrams",
    "staff_list",
    "ticket_counts",
    "ticket_data_version",
    "ticket_filterset",
    "ticket_find",
    "ticket_get",
    "ticket_list",
    "ticket_page",
    "ticket_search",
    "ticket_total",
    "tickets_by_ids",
    "with_priority_rank",
]
