"""The ticket lists' forms: sort and page size, bulk changes.

The filters themselves are the FilterSet's form (`tickets.filters`), shared
with the API.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Status
from ..pagination import DEFAULT_ORDERING, ORDERING_CHOICES, SLA_ORDERING_CHOICES
from ._common import DEFAULT_PAGE_SIZE, MAX_BULK_TICKETS, PAGE_SIZES, TickedTicketsField
from ._tags import TagNameFormField


class PagingForm(forms.Form):
    """Sort order and rows per page of a list page; the cursor rides along."""

    ordering = forms.ChoiceField(
        label=_("Sort by"), choices=ORDERING_CHOICES, required=False
    )
    page_size = forms.TypedChoiceField(
        label=_("Rows per page"),
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
        required=False,
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data, *, default_page_size=DEFAULT_PAGE_SIZE, sla=False, **kwargs
    ):
        data = data.copy()
        data.setdefault("ordering", DEFAULT_ORDERING)
        data.setdefault("page_size", str(default_page_size))
        super().__init__(data, **kwargs)
        self.default_page_size = default_page_size
        if sla:
            # The staff queue may sort by due time (service levels are internal).
            self.fields["ordering"].choices = ORDERING_CHOICES + SLA_ORDERING_CHOICES

    def values(self) -> dict:
        """`ordering`, `size` and `cursor` for the paginator; defaults if invalid."""
        valid = self.is_valid()
        cleaned = self.cleaned_data if valid else {}
        return {
            "ordering": cleaned.get("ordering") or DEFAULT_ORDERING,
            "size": cleaned.get("page_size") or self.default_page_size,
            "cursor": (cleaned.get("cursor") or None) if valid else None,
        }

    def is_default(self, name: str) -> bool:
        return name not in self.errors and self.data.get(name) == self.initial_value(
            name
        )

    def initial_value(self, name: str) -> str:
        defaults = {
            "ordering": DEFAULT_ORDERING,
            "page_size": str(self.default_page_size),
        }
        return defaults.get(name, "")


class BulkActionForm(forms.Form):
    """Assign, or change the status of, the tickets ticked in the queue."""

    ASSIGN, STATUS = "assign", "status"
    TAG_ADD, TAG_REMOVE = "tag_add", "tag_remove"

    tickets = TickedTicketsField(
        limit=MAX_BULK_TICKETS, too_many=_("Change at most %(limit)s tickets at once.")
    )
    operation = forms.ChoiceField(
        choices=[
            (ASSIGN, _("Assign")),
            (STATUS, _("Change status")),
            (TAG_ADD, _("Add tag")),
            (TAG_REMOVE, _("Remove tag")),
        ]
    )
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    status = forms.ChoiceField(label=_("New status"), required=False)
    tag = TagNameFormField(label=_("Tag"), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(person.pk): person for person in staff}
        self.fields["assignee"].choices = [
            ("me", _("Me")),
            ("none", _("Nobody (unassign)")),
        ] + [(pk, str(person)) for pk, person in self.staff.items()]
        self.fields["status"].choices = [("", "—"), *Status.choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("operation") == self.STATUS and not cleaned.get("status"):
            self.add_error("status", _("Choose the new status."))
        tagging = cleaned.get("operation") in (self.TAG_ADD, self.TAG_REMOVE)
        if tagging and not cleaned.get("tag") and "tag" not in self.errors:
            self.add_error("tag", _("Type the tag."))
        return cleaned

    def assignee_for(self, user):
        choice = self.cleaned_data.get("assignee") or "me"
        if choice == "me":
            return user
        if choice == "none":
            return None
        return self.staff[choice]
