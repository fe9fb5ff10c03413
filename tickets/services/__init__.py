"""Every write to tickets, comments and their history (see `tickets.py`).

Import from here: `from tickets import services` then `services.ticket_create(...)`.
"""

from ._common import UNSET
from .assignees import tickets_unassign_lost_access
from .automation import tickets_auto_close, tickets_sla_watch
from .categories import DEFAULT_CATEGORIES, categories_seed
from .events import ticket_attachment_added, ticket_event_record
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
    "DEFAULT_CATEGORIES",
    "UNSET",
    "categories_seed",
    "ticket_assign",
    "ticket_attachment_added",
    "ticket_category_change",
    "ticket_close",
    "ticket_create",
    "ticket_details_update",
    "ticket_event_record",
    "ticket_priority_change",
    "ticket_reopen",
    "ticket_reply",
    "ticket_reply_and_status_change",
    "ticket_status_change",
    "ticket_status_change_and_claim",
    "ticket_update",
    "tickets_sla_watch",
    "tickets_auto_close",
    "tickets_unassign_lost_access",
]
