"""Query-string filters of the ticket list."""

import django_filters
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .. import policies
from ..models import Priority, Status, Ticket
from ..selectors import ticket_search


class ChoiceInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """Comma-separated choices: `?status=new,in_progress`."""


class TicketFilter(django_filters.FilterSet):
    status = ChoiceInFilter(
        choices=Status.choices,
        help_text="One status or several, comma-separated: `new,in_progress`.",
    )
    priority = ChoiceInFilter(
        choices=Priority.choices, help_text="One priority or several, comma-separated."
    )
    category = django_filters.CharFilter(
        field_name="category__slug", help_text="Category slug, e.g. `network`."
    )
    assignee = django_filters.CharFilter(
        method="filter_assignee",
        validators=[
            RegexValidator(r"^(me|none|\d{1,18})$", _("Use “me”, “none” or a user id."))
        ],
        help_text="`me`, `none` (unassigned) or a user id.",
    )
    requester = django_filters.NumberFilter(
        method="filter_requester",
        help_text="Requester's user id (staff only; ignored for requesters, "
        "whose list is always their own tickets).",
    )
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        help_text="Words to find in the reference, title or description "
        "(substrings, any case; every word must match).",
    )

    class Meta:
        model = Ticket
        fields = []

    def filter_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))

    def filter_requester(self, queryset, name, value):
        if not policies.is_staff_member(self.request.user):
            return queryset
        return queryset.filter(requester_id=int(value))

    def filter_q(self, queryset, name, value):
        return ticket_search(queryset, value)
