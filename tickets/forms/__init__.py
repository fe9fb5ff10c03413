"""HTML forms of the ticket pages: they shape and check input, services write.

The views call the services with a form's `cleaned_data` and put the services'
`ValidationError`s back on the form (`add_service_errors`), so a message from a
service shows beside its field just as one from the form does.
"""

from ._canned import CannedInsertForm
from ._cc import CCAddForm, CCRemoveForm, FollowForm
from ._common import (
    DEFAULT_PAGE_SIZE,
    MAX_BULK_TICKETS,
    MAX_TEXT_LENGTH,
    PAGE_SIZES,
    add_service_errors,
    is_conflict,
    phone_validator,
)
from ._incidents import IncidentForm, IncidentLinkForm, IncidentResolveForm
from ._links import LinkAddForm, LinkRemoveForm, MergeForm
from ._lists import BulkActionForm, PagingForm
from ._satisfaction import SatisfactionForm
from ._tags import SavedViewForm, SavedViewRenameForm, TicketTagsForm
from ._tickets import (
    CloseForm,
    FollowUpForm,
    ReplyForm,
    StaffUpdateForm,
    TicketCreateForm,
    TicketOnBehalfForm,
    VersionForm,
)
from ._widgets import CategoryChoiceField

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_BULK_TICKETS",
    "MAX_TEXT_LENGTH",
    "PAGE_SIZES",
    "BulkActionForm",
    "CCAddForm",
    "CCRemoveForm",
    "CannedInsertForm",
    "CategoryChoiceField",
    "CloseForm",
    "FollowForm",
    "FollowUpForm",
    "IncidentForm",
    "IncidentLinkForm",
    "IncidentResolveForm",
    "LinkAddForm",
    "LinkRemoveForm",
    "MergeForm",
    "PagingForm",
    "SavedViewForm",
    "SavedViewRenameForm",
    "TicketTagsForm",
    "ReplyForm",
    "SatisfactionForm",
    "StaffUpdateForm",
    "TicketCreateForm",
    "TicketOnBehalfForm",
    "VersionForm",
    "add_service_errors",
    "is_conflict",
    "phone_validator",
]
