"""Forms to open tickets and to work on one."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from attachments.forms import ChosenFilesField

from .. import policies, selectors
from ..models import Priority, Status
from ._common import MAX_TEXT_LENGTH, phone_validator
from ._widgets import CategoryChoiceField

# --- Opening tickets ------------------------------------------------------------------


class TicketCreateForm(forms.Form):
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
    # No category is preselected: the person chooses one (a preselected first
    # category sent many tickets to the wrong team).
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=selectors.category_list(active_only=True),
        empty_label=_("Choose…"),
        error_messages={"required": _("Choose the category closest to the problem.")},
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
    # Checked with the attachment rules before the ticket is created, so a
    # refused file never leaves a ticket without it (attachments/forms.py).
    files = ChosenFilesField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
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


class RefreshVersionMixin:
    """A form with the ticket's `version`, sent back after a conflict."""

    def refresh_version(self, ticket) -> None:
        """After a conflict: keep what was typed, act on the fresh ticket next time."""
        if self.is_bound:
            data = self.data.copy()
            data["version"] = str(ticket.version)
            self.data = data


class ReplyForm(RefreshVersionMixin, forms.Form):
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

    # Staff may send and set the status in one go: the buttons' values.
    THEN_STATUSES = (Status.WAITING, Status.RESOLVED)

    then = forms.ChoiceField(
        label=_("Then set the status to"),
        choices=[("", "—"), *((code, Status(code).label) for code in THEN_STATUSES)],
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, user, ticket, **kwargs):
        kwargs.setdefault("initial", {"version": ticket.version})
        super().__init__(*args, **kwargs)
        if not policies.can_add_internal_note(user, ticket):
            del self.fields["visibility"]
        if not policies.can_edit_staff_fields(user, ticket):
            del self.fields["then"]
        self.ticket = ticket

    @property
    def internal(self) -> bool:
        return self.cleaned_data.get("visibility") == self.INTERNAL

    @property
    def status(self) -> str:
        """The status to set after the message ("" for none)."""
        return self.cleaned_data.get("then") or ""

    def status_buttons(self) -> list[tuple[str, str]]:
        """(status, button label) for each "send and …" button the page shows."""
        if "then" not in self.fields:
            return []
        labels = {
            Status.WAITING: _("Send and mark waiting"),
            Status.RESOLVED: _("Send and mark resolved"),
        }
        return [
            (code, labels[code])
            for code in self.THEN_STATUSES
            if code != self.ticket.status
        ]


class VersionForm(RefreshVersionMixin, forms.Form):
    """A form that acts on the ticket as it was shown (stale forms are refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CloseForm(VersionForm):
    pass


class FollowUpForm(forms.Form):
    """`?about=<id>` on the new-ticket page: the earlier ticket it follows up."""

    about = forms.IntegerField(min_value=1)


class StaffUpdateForm(VersionForm):
    """Status, priority, category and assignee, changed together (one version)."""

    status = forms.ChoiceField(label=_("Status"))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=selectors.category_list(active_only=True),
        empty_label=None,
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
        # The field takes any status; the menu offers the moves allowed from
        # the status shown. Which move is allowed is the service's to say, and
        # it checks the version first: a form sent from an older page is then
        # "someone else changed this ticket", not "new is not a choice".
        status = self.fields["status"]
        status.choices = Status.choices
        allowed = {ticket.status, *policies.STAFF_TRANSITIONS[ticket.status]}
        status.widget.choices = [
            (code, label) for code, label in Status.choices if code in allowed
        ]
        # The menu's options from one read: a model menu queries each time it
        # is iterated (the `required` check, then the options). Input is still
        # checked against the field's queryset.
        category = self.fields["category"]
        category.choices = [(each.pk, each.name) for each in category.queryset]
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
