"""HTML forms of the ticket pages: they shape and check input, services write.

The views call the services with a form's `cleaned_data` and put the services'
`ValidationError`s back on the form (`add_service_errors`), so a message from a
service shows beside its field just as one from the form does.
"""

from ._common import (
    DEFAULT_PAGE_SIZE,
    MAX_BULK_TICKETS,
    MAX_TEXT_LENGTH,
    PAGE_SIZES,
    add_service_errors,
    is_conflict,
    phone_validator,
)
from ._lists import (
    ORDERING_CHOICES,
    BulkActionForm,
    QueueFilterForm,
    TicketListForm,
    decode_cursor,
    encode_cursor,
)
from ._tickets import (
    CloseForm,
    ReplyForm,
    StaffUpdateForm,
    TicketCreateForm,
    TicketOnBehalfForm,
    VersionForm,
)
from ._widgets import CategoryChoiceField, PageForm, PageRenderer, active_categories

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_BULK_TICKETS",
    "MAX_TEXT_LENGTH",
    "ORDERING_CHOICES",
    "PAGE_SIZES",
    "BulkActionForm",
    "CategoryChoiceField",
    "CloseForm",
    "PageForm",
    "PageRenderer",
    "QueueFilterForm",
    "ReplyForm",
    "StaffUpdateForm",
    "TicketCreateForm",
    "TicketListForm",
    "TicketOnBehalfForm",
    "VersionForm",
    "active_categories",
    "add_service_errors",
    "decode_cursor",
    "encode_cursor",
    "is_conflict",
    "phone_validator",
]
