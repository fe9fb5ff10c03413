"""HTML forms of the ticket pages: they shape and check input, services write.

The views call the services with a form's `cleaned_data` and put the services'
`ValidationError`s back on the form (`add_service_errors`), so a message from a
service shows beside its field just as one from the form does.
"""

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.dateparse import parse_datetime
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import policies
from .models import Category, Priority, Status
from .selectors import DEFAULT_TICKET_ORDERING, TICKET_ORDERINGS

MAX_TEXT_LENGTH = 20000
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
MAX_BULK_TICKETS = 100

phone_validator = RegexValidator(
    r"^[0-9+()\-.\s]{3,40}$",
    _("Use digits, spaces and + - ( ) only, for example 02-1234-5678."),
)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, beside its field if it has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def is_conflict(error: ValidationError) -> bool:
    """True when a service refused a stale form (an older ticket `version`)."""
    if hasattr(error, "error_dict"):
        return False
    return any(item.code == "conflict" for item in error.error_list)


# --- Widgets written in Python ---------------------------------------------------------
# The pages show up to seven menus of fifty options: Django's widget templates
# cost more than the rest of such a page. These functions write exactly what
# those templates write (tests/test_widgets.py compares them); any other widget
# still goes through the templates.

_WIDGETS = "django/forms/widgets/"


def _text(value) -> str:
    """A value as `{{ value|stringformat:'s' }}` writes it (escaped unless safe)."""
    return conditional_escape(value)


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(localize(option['label']))}</option>"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(localize(group_name))}">')
        for option in options:
            if option["template_name"] != f"{_WIDGETS}select_option.html":
                return None
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(localize(value)) if value else ''}</textarea>"
    )


def _input_option(widget: dict) -> str:
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{_text(target)}"' if target else ""
    label = _text(localize(widget["label"]))
    return f"<label{label_for}>{_input(widget)} {label}</label>"


_WIDGET_WRITERS = {
    **{
        f"{_WIDGETS}{name}.html": _input
        for name in ("input", "text", "hidden", "email", "number", "tel", "url")
    },
    f"{_WIDGETS}select.html": _select,
    f"{_WIDGETS}select_option.html": _option,
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}radio_option.html": _input_option,
    f"{_WIDGETS}input_option.html": _input_option,
}


class PageRenderer(BaseRenderer):
    """The form renderer of the pages' forms: common widgets written in Python."""

    def render(self, template_name, context, request=None):
        write = _WIDGET_WRITERS.get(template_name)
        html = write(context["widget"]) if write else None
        if html is None:
            return get_default_renderer().render(template_name, context, request)
        return html


class PageForm(forms.Form):
    default_renderer = PageRenderer()


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def active_categories():
    return Category.objects.filter(is_active=True)


# --- Opening tickets ------------------------------------------------------------------


class TicketCreateForm(PageForm):
    """A requester's new ticket; staff see the urgent priority too."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A short summary, e.g. “Wi-Fi drops in dormitory A, 3rd floor”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, what you expected, and any error message."),
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=active_categories(), empty_label=None
    )
    priority = forms.ChoiceField(label=_("Priority"), initial=Priority.MEDIUM)
    location = forms.CharField(
        label=_("Location (building / room)"),
        max_length=200,
        required=False,
        help_text=_("Optional, e.g. “Engineering building 2, room 305”."),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=40,
        required=False,
        validators=[phone_validator],
        help_text=_("Optional: where we can call you back."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].queryset = active_categories()
        self.fields["priority"].choices = [
            (code, label)
            for code, label in Priority.choices
            if policies.can_set_priority(user, code)
        ]

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Give the ticket a title."), code="required")
        return title

    def service_arguments(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in (
                "title",
                "description",
                "category",
                "priority",
                "location",
                "contact_phone",
            )
        }


class TicketOnBehalfForm(TicketCreateForm):
    """Staff open a ticket for someone who phoned or walked in."""

    requester = forms.EmailField(
        label=_("Requester's e-mail"),
        max_length=254,
        help_text=_("The person who asked for help; they must have an account."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["requester"]

    def clean_requester(self):
        email = self.cleaned_data["requester"]
        person = User.objects.filter(email__iexact=email.strip()).first()
        if person is None:
            raise ValidationError(
                _("No one has an account with this e-mail address."),
                code="unknown_requester",
            )
        return person

    def service_arguments(self) -> dict:
        return {
            **super().service_arguments(),
            "requester": self.cleaned_data["requester"],
        }


# --- Working on a ticket ----------------------------------------------------------------


class ReplyForm(PageForm):
    """A public reply; staff may switch it to an internal note."""

    PUBLIC, INTERNAL = "public", "internal"

    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    visibility = forms.ChoiceField(
        label=_("Send as"),
        choices=[
            (PUBLIC, _("Public reply (the requester sees it)")),
            (INTERNAL, _("Internal note (IT staff only)")),
        ],
        initial=PUBLIC,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        if not policies.can_add_internal_note(user, ticket):
            del self.fields["visibility"]

    @property
    def internal(self) -> bool:
        return self.cleaned_data.get("visibility") == self.INTERNAL


class VersionForm(PageForm):
    """A form that acts on the ticket as it was shown (stale forms are refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def refresh_version(self, ticket) -> None:
        """After a conflict: keep what was typed, act on the fresh ticket next time."""
        if self.is_bound:
            data = self.data.copy()
            data["version"] = str(ticket.version)
            self.data = data


class CloseForm(VersionForm):
    pass


class StaffUpdateForm(VersionForm):
    """Status, priority, category and assignee, changed together (one version)."""

    status = forms.ChoiceField(label=_("Status"))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    category = CategoryChoiceField(
        label=_("Category"), queryset=active_categories(), empty_label=None
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args, ticket, staff, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": ticket.version,
                "status": ticket.status,
                "priority": ticket.priority,
                "category": ticket.category_id,
                "assignee": ticket.assignee_id,
            },
        )
        super().__init__(*args, **kwargs)
        allowed = {ticket.status, *policies.STAFF_TRANSITIONS[ticket.status]}
        self.fields["status"].choices = [
            (code, label) for code, label in Status.choices if code in allowed
        ]
        # The menu's options read once: a model menu reads its queryset each
        # time it is iterated (twice a render). Input is still checked against
        # the queryset.
        self.fields["category"].queryset = active_categories()
        self.fields["category"].choices = [
            (category.pk, category.name) for category in active_categories()
        ]
        # The staff list is read once per page and shared by every menu; a
        # current assignee who has left stays selectable, so saving the form
        # unchanged never unassigns them by accident.
        self.people = {str(person.pk): person for person in staff}
        if ticket.assignee_id and str(ticket.assignee_id) not in self.people:
            self.people[str(ticket.assignee_id)] = ticket.assignee
        self.fields["assignee"].choices = [("", _("Unassigned"))] + [
            (pk, str(person)) for pk, person in self.people.items()
        ]

    def clean_assignee(self):
        return self.people.get(self.cleaned_data.get("assignee") or "")


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
