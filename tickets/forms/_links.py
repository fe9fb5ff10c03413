"""The ticket page's staff forms for links and merging; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..models import LinkKind


class TicketReferenceField(forms.CharField):
    """Another ticket by reference (`SD-000123`) or id, among those the user sees."""

    default_error_messages = {"no_such_ticket": _("No such ticket.")}

    def __init__(self, *, user=None, **kwargs):
        self.user = user
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "SD-000123"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        ticket = selectors.ticket_by_reference(user=self.user, text=value)
        if ticket is None:
            raise forms.ValidationError(
                self.error_messages["no_such_ticket"], code="no_such_ticket"
            )
        return ticket


class TicketFormMixin:
    """Gives the form's ticket fields the user whose tickets they look up."""

    ticket_fields = ()
    auto_id = "id_%s"

    def __init__(self, *args, user, **kwargs):
        # Its own element ids: the ticket page holds many forms.
        kwargs.setdefault("auto_id", self.auto_id)
        super().__init__(*args, **kwargs)
        for name in self.ticket_fields:
            self.fields[name].user = user


class LinkAddForm(TicketFormMixin, forms.Form):
    ticket_fields = ("ticket",)
    auto_id = "id_link_%s"

    ticket = TicketReferenceField(label=_("Ticket"))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=LinkKind.choices, initial=LinkKind.RELATED
    )


class LinkRemoveForm(forms.Form):
    link = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class MergeForm(TicketFormMixin, forms.Form):
    ticket_fields = ("into",)
    auto_id = "id_merge_%s"

    into = TicketReferenceField(
        label=_("Merge into"),
        help_text=_("The ticket that continues: its reference or number."),
    )
    add_requester_as_cc = forms.BooleanField(
        label=_("Add the requester as CC"),
        required=False,
        help_text=_(
            "They can then follow their request on that ticket; otherwise they "
            "are only told it is handled under another ticket number."
        ),
    )
