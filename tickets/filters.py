"""The ticket list's filters: one FilterSet for the queue, "my tickets" and the API.

The pages show its form (with menus for the people and categories); the API
reads the same parameters from the query string. Every value is checked by the
form, so a bad one is a clear error on the page and a 400 in the API.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.roles import is_staff_member
from sla.selectors import with_sla_state

from .models import Priority, SlaState, Status, Ticket
from .selectors.search import ticket_search
from .tag_names import tag_name_normalize

OPEN, ALL = "open", "all"
OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)


class ChoiceListField(forms.CharField):
    """One choice or several, comma-separated: `new,in_progress`."""

    def __init__(self, *, choices=(), extra=(), **kwargs):
        self.allowed = {str(code) for code, _label in choices} | set(extra)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        codes = [code.strip() for code in value.split(",") if code.strip()]
        unknown = [code for code in codes if code not in self.allowed]
        if unknown:
            raise ValidationError(
                _("Unknown value “%(value)s”; use one of: %(choices)s."),
                code="invalid_choice",
                params={
                    "value": unknown[0],
                    "choices": ", ".join(sorted(self.allowed)),
                },
            )
        return codes


class ChoiceListFilter(django_filters.Filter):
    field_class = ChoiceListField

    def filter(self, queryset, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{self.field_name}__in": value})


def statuses_of(codes) -> list[str]:
    """The statuses a status filter's codes stand for (no codes, or `all`: all)."""
    if not codes or ALL in codes:
        return list(Status.values)
    return sorted(
        {
            status
            for code in codes
            for status in (OPEN_STATUSES if code == OPEN else (code,))
        }
    )


class StatusFilter(ChoiceListFilter):
    """Statuses, or `open` (new, in progress, waiting), or `all`."""

    def filter(self, queryset, value):
        if not value or ALL in value:
            return queryset
        return queryset.filter(status__in=statuses_of(value))


class TagNameField(forms.CharField):
    """A tag's name, normalised as stored (tickets.tag_names)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return tag_name_normalize(value, field="tag")
        except ValidationError as error:
            raise ValidationError(error.message_dict["tag"]) from None


@extend_schema_field(OpenApiTypes.STR)
class TagFilter(django_filters.Filter):
    """Tickets carrying a tag; tags are internal, so only staff filter by them.

    A requester's `tag` is ignored (their list is the same with or without
    it): answering anything else would tell them a tag exists.
    """

    field_class = TagNameField

    def filter(self, queryset, value):
        if not value or not is_staff_member(self.parent.user):
            return queryset
        # One join on the tickets_ticket_tags index (tag_id) per list.
        return queryset.filter(tags__name__iexact=value)


def status_menu():
    return [
        (OPEN, _("Open (new, in progress, waiting)")),
        (ALL, _("All")),
        *Status.choices,
    ]


class TicketFilter(django_filters.FilterSet):
    """`menus=True` (the pages) gives the form's fields drop-down menus."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=200,
        help_text=_(
            "Words to find in the reference, title, description or location; "
            "staff also find the requester's name or e-mail."
        ),
    )
    status = StatusFilter(
        label=_("Status"),
        choices=Status.choices,
        extra=(OPEN, ALL),
        help_text="One status or several, comma-separated (`new,in_progress`); "
        "`open` for new, in progress and waiting; `all`.",
    )
    assignee = django_filters.CharFilter(
        label=_("Assignee"),
        method="filter_assignee",
        validators=[
            RegexValidator(r"^(me|none|\d{1,18})$", _("Use “me”, “none” or a user id."))
        ],
        help_text="`me`, `none` (unassigned) or a user id.",
    )
    priority = ChoiceListFilter(
        label=_("Priority"),
        choices=Priority.choices,
        help_text="One priority or several, comma-separated.",
    )
    category = django_filters.CharFilter(
        label=_("Category"),
        field_name="category__slug",
        max_length=50,
        help_text="Category slug, e.g. `network`.",
    )
    requester = django_filters.NumberFilter(
        label=_("Requester"),
        method="filter_requester",
        min_value=1,
        max_value=2**63 - 1,
        help_text="Requester's user id (staff only; ignored for requesters, "
        "whose list is always their own tickets).",
    )

    sla_state = ChoiceListFilter(
        label=_("Service level"),
        choices=SlaState.choices,
        method="filter_sla_state",
        help_text="One service-level state or several, comma-separated "
        "(`warning,breached`), as of now (staff only; ignored for requesters).",
    )

    tag = TagFilter(
        label=_("Tag"),
        help_text="A tag's name, whatever its case (staff only; ignored for "
        "requesters).",
    )

    class Meta:
        model = Ticket
        fields = []

    def __init__(self, *args, user=None, menus=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        # "As of now" is one moment for every filter and for what the caller
        # shows next to them (the CSV's service level column).
        self.now = timezone.now()
        if menus is not None:
            self.add_menus(**menus)

    def add_menus(self, *, staff=list, categories=list):
        """Drop-down menus for the pages' form (the values stay as the API's).

        `staff` and `categories` are callables returning people and categories.
        """
        # Callables: the menus are read only when the form is drawn, which a
        # cached page fragment skips.
        menus = {
            "status": status_menu,
            "priority": lambda: [("", _("Any priority")), *Priority.choices],
            "category": lambda: (
                [("", _("Any category"))]
                + [(category.slug, category.name) for category in categories()]
            ),
            "assignee": lambda: (
                [
                    ("", _("Anyone")),
                    ("me", _("Mine")),
                    ("none", _("Unassigned")),
                ]
                + [(str(person.pk), str(person)) for person in staff()]
            ),
        }
        for name, choices in menus.items():
            self.filters[name].extra["widget"] = forms.Select(choices=choices)
        # The help texts document the API's parameters, not the page's menus.
        for name in self.filters:
            self.filters[name].extra["help_text"] = ""

    def filter_q(self, queryset, name, value):
        return ticket_search(queryset, value, people=is_staff_member(self.user))

    def filter_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))

    def filter_sla_state(self, queryset, name, value):
        if not value or not is_staff_member(self.user):
            return queryset
        return with_sla_state(queryset, now=self.now).filter(
            current_sla_state__in=value
        )

    def filter_requester(self, queryset, name, value):
        if not is_staff_member(self.user):
            return queryset
        return queryset.filter(requester_id=int(value))
