"""Every write to tickets, comments and their history (see `tickets.py`).

Import from here: `from tickets import services` then `services.ticket_create(...)`.
"""

from ._common import UNSET
from .assignees import tickets_unassign_lost_access
from .automation import tickets_auto_close, tickets_sla_recompute, tickets_sla_watch
from .canned import (
    canned_reply_create,
    canned_reply_delete,
    canned_reply_fill,
    canned_reply_update,
)
from .categories import DEFAULT_CATEGORIES, categories_seed
from .cc import ticket_cc_add, ticket_cc_remove, ticket_follow, ticket_unfollow
from .events import ticket_attachment_added, ticket_event_record
from .links import ticket_link_add, ticket_link_remove
from .merge import ticket_merge
from .presence import ticket_presence_update
from .satisfaction import satisfaction_check_resolution, satisfaction_rate
from .saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_query_normalize,
    saved_view_update,
)
from .tags import (
    MAX_TAGS_PER_TICKET,
    tag_name_normalize,
    tag_names_normalize,
    tag_rename,
    tags_by_name,
    tags_delete,
    tags_merge,
    ticket_tags_change,
    ticket_tags_set,
)
from .tickets import (
    ticket_assign,
    ticket_category_change,
    ticket_close,
    ticket_create,
    ticket_details_update,
    ticket_priority_change,
    ticket_reopen,
    ticket_reply,
    ticket_reply_and_status_change,
    ticket_status_change,
    ticket_status_change_and_claim,
    ticket_update,
)

__all__ = [
    "saved_view_create",
    "saved_view_delete",
    "saved_view_query_normalize",
    "saved_view_update",
    "MAX_TAGS_PER_TICKET",
    "tag_name_normalize",
    "tag_names_normalize",
    "tag_rename",
    "tags_by_name",
    "tags_delete",
    "tags_merge",
    "ticket_tags_change",
    "ticket_tags_set",
    "DEFAULT_CATEGORIES",
    "UNSET",
    "canned_reply_create",
    "canned_reply_delete",
    "canned_reply_fill",
    "canned_reply_update",
    "categories_seed",
    "satisfaction_check_resolution",
    "satisfaction_rate",
    "ticket_assign",
    "ticket_attachment_added",
    "ticket_category_change",
    "ticket_cc_add",
    "ticket_cc_remove",
    "ticket_close",
    "ticket_create",
    "ticket_details_update",
    "ticket_event_record",
    "ticket_follow",
    "ticket_link_add",
    "ticket_link_remove",
    "ticket_merge",
    "ticket_priority_change",
    "ticket_presence_update",
    "ticket_reopen",
    "ticket_reply",
    "ticket_reply_and_status_change",
    "ticket_status_change",
    "ticket_status_change_and_claim",
    "ticket_unfollow",
    "ticket_update",
    "tickets_sla_recompute",
    "tickets_sla_watch",
    "tickets_auto_close",
    "tickets_unassign_lost_access",
]
