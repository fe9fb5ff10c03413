"""The ticket lists' forms: filters, sort, page size, cursors, bulk changes."""

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from ..models import Priority, Status
from ..selectors import DEFAULT_TICKET_ORDERING, TICKET_ORDERINGS
from ._common import DEFAULT_PAGE_SIZE, MAX_BULK_TICKETS, PAGE_SIZES
from ._widgets import PageForm

# --- The queue ---------------------------------------------------------------------------

ORDERING_CHOICES = [
    ("-updated_at", _("Recently updated")),
    ("updated_at", _("Least recently updated")),
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("-priority", _("Highest priority")),
    ("priority", _("Lowest priority")),
]

ALL, OPEN = "all", "open"
_CURSOR_SALT = "tickets.list.cursor"
_DATETIME_KEYS = {"created_at", "updated_at"}


def encode_cursor(ticket, *, ordering: str, backwards: bool) -> str:
    """A signed position after (or before) `ticket` in `ordering`."""
    values = []
    for key in TICKET_ORDERINGS[ordering]:
        value = getattr(ticket, key.lstrip("-"))
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return signing.dumps(
        {"o": ordering, "v": values, "b": backwards}, salt=_CURSOR_SALT
    )


def decode_cursor(cursor: str, *, ordering: str):
    """Return (position, backwards) from `encode_cursor`, or raise ValidationError."""
    invalid = ValidationError(_("That page link is no longer valid."), code="cursor")
    try:
        payload = signing.loads(cursor, salt=_CURSOR_SALT)
    except signing.BadSignature:
        raise invalid from None
    keys = TICKET_ORDERINGS[ordering]
    if payload.get("o") != ordering or len(payload.get("v", ())) != len(keys):
        raise invalid
    position = []
    for key, value in zip(keys, payload["v"], strict=True):
        if key.lstrip("-") in _DATETIME_KEYS:
            value = parse_datetime(value)
        position.append(value)
    return position, bool(payload.get("b"))


class TicketListForm(PageForm):
    """The query string of "my tickets": status, text search, paging."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    ordering = forms.ChoiceField(
        label=_("Sort by"), choices=ORDERING_CHOICES, required=False
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)

    default_status = ALL
    default_page_size = 25

    def __init__(self, data=None, *args, **kwargs):
        # The menus show the filters in force, defaults included.
        if data is not None:
            data = data.copy()
            for name, value in self.defaults().items():
                if not data.get(name):
                    data[name] = value
        super().__init__(data, *args, **kwargs)
        self.fields["status"].choices = [
            (ALL, _("All")),
            (OPEN, _("Open (new, in progress, waiting)")),
            *Status.choices,
        ]

    def defaults(self) -> dict:
        return {"status": self.default_status, "ordering": DEFAULT_TICKET_ORDERING}

    def value(self, name, default=None):
        """The cleaned value of a valid field, else `default`."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or default

    @property
    def chosen_ordering(self) -> str:
        return self.value("ordering", DEFAULT_TICKET_ORDERING)

    @property
    def status_filter(self) -> str:
        return self.value("status", self.default_status)

    @property
    def chosen_page_size(self) -> int:
        return self.default_page_size

    def clean_cursor(self):
        cursor = self.cleaned_data.get("cursor")
        ordering = self.data.get("ordering") or DEFAULT_TICKET_ORDERING
        if not cursor or ordering not in TICKET_ORDERINGS:
            return None
        return decode_cursor(cursor, ordering=ordering)

    def position(self):
        """(position, backwards) of the requested page; the first page if none."""
        return self.value("cursor") or (None, False)

    def filter_values(self) -> dict:
        return {
            "status": self.status_filter,
            "q": self.value("q", ""),
        }


class QueueFilterForm(TicketListForm):
    """The queue's filters: status, priority, category, assignee, search, sort, size."""

    priority = forms.ChoiceField(label=_("Priority"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    page_size = forms.TypedChoiceField(
        label=_("Rows per page"),
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
        required=False,
    )

    default_status = OPEN
    field_order = ["q", "status", "priority", "category", "assignee", "ordering"]

    def __init__(self, *args, staff, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = [("", _("Any priority")), *Priority.choices]
        self.fields["category"].choices = [("", _("Any category"))] + [
            (category.slug, category.name) for category in categories
        ]
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Mine")),
            ("none", _("Unassigned")),
        ] + [(str(person.pk), str(person)) for person in staff]

    MORE_FILTERS = ("priority", "category", "ordering", "page_size")

    def defaults(self) -> dict:
        return {**super().defaults(), "page_size": str(DEFAULT_PAGE_SIZE)}

    @property
    def chosen_page_size(self) -> int:
        return self.value("page_size", DEFAULT_PAGE_SIZE)

    def more_filters_active(self) -> bool:
        """True when a filter kept under "More filters" is not at its default."""
        defaults = self.defaults()
        return any(
            self.data.get(name, "") != defaults.get(name, "")
            for name in self.MORE_FILTERS
        ) or any(name in self.errors for name in self.MORE_FILTERS)

    def filter_values(self) -> dict:
        return {
            **super().filter_values(),
            "priority": self.value("priority", ""),
            "category": self.value("category", ""),
            "assignee": self.value("assignee", ""),
        }


class BulkActionForm(PageForm):
    """Assign, or change the status of, the tickets ticked in the queue."""

    ASSIGN, STATUS = "assign", "status"

    tickets = forms.Field(
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Tick at least one ticket first.")},
    )
    operation = forms.ChoiceField(
        choices=[(ASSIGN, _("Assign")), (STATUS, _("Change status"))]
    )
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    status = forms.ChoiceField(label=_("New status"), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(person.pk): person for person in staff}
        self.fields["assignee"].choices = [
            ("me", _("Me")),
            ("none", _("Nobody (unassign)")),
        ] + [(pk, str(person)) for pk, person in self.staff.items()]
        self.fields["status"].choices = [("", "—"), *Status.choices]

    def clean_tickets(self):
        values = self.cleaned_data["tickets"]
        if not all(str(value).isdigit() and len(str(value)) < 19 for value in values):
            raise ValidationError(_("Tick tickets from the list."), code="invalid")
        ids = sorted({int(value) for value in values})
        if len(ids) > MAX_BULK_TICKETS:
            raise ValidationError(
                _("Change at most %(limit)s tickets at once."),
                code="too_many",
                params={"limit": MAX_BULK_TICKETS},
            )
        return ids

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("operation") == self.STATUS and not cleaned.get("status"):
            self.add_error("status", _("Choose the new status."))
        return cleaned

    def assignee_for(self, user):
        choice = self.cleaned_data.get("assignee") or "me"
        if choice == "me":
            return user
        if choice == "none":
            return None
        return self.staff[choice]
