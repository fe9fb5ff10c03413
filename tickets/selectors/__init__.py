"""Scoped reads for lists, search, counts, single tickets and their history.

Views and the API ask these functions; every one starts from `visible_to`.
"""

from .canned import canned_reply_get, canned_reply_list
from .cc import ticket_cc_list, ticket_ids_involving, ticket_is_followed
from .history import comment_list, event_list, event_subjects
from .links import (
    merged_into_visible,
    reference_visible,
    ticket_by_reference,
    ticket_link_get,
    ticket_links,
    with_merged_into_seen,
)
from .satisfaction import (
    satisfaction_current,
    satisfaction_list,
    satisfaction_summary,
)
from .saved_views import saved_view_counts, saved_view_get, saved_view_list
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
    "saved_view_counts",
    "saved_view_get",
    "saved_view_list",
    "canned_reply_get",
    "canned_reply_list",
    "MAX_SEARCH_TERMS",
    "SEARCH_COLUMNS",
    "category_list",
    "comment_list",
    "event_list",
    "event_subjects",
    "filterset_tickets",
    "merged_into_visible",
    "with_merged_into_seen",
    "parse_reference",
    "reference_visible",
    "ticket_by_reference",
    "requester_recent_tickets",
    "satisfaction_current",
    "satisfaction_list",
    "satisfaction_summary",
    "search_bigrams",
    "staff_list",
    "ticket_cc_list",
    "ticket_counts",
    "ticket_data_version",
    "ticket_filterset",
    "ticket_find",
    "ticket_get",
    "ticket_ids_involving",
    "ticket_is_followed",
    "ticket_link_get",
    "ticket_links",
    "ticket_list",
    "ticket_page",
    "ticket_search",
    "ticket_total",
    "tickets_by_ids",
    "with_priority_rank",
]
