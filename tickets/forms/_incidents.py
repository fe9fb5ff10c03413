"""The outage notice pages' forms; `tickets.services.incidents` writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..models import Incident, IncidentStatus
from ._common import MAX_TEXT_LENGTH, TickedTicketsField
from ._widgets import CategoryChoiceField

MAX_LINKED_AT_ONCE = 500

OPEN_CHOICES = [
    (IncidentStatus.INVESTIGATING, IncidentStatus.INVESTIGATING.label),
    (IncidentStatus.IDENTIFIED, IncidentStatus.IDENTIFIED.label),
]


class IncidentForm(forms.Form):
    """A new outage notice, or the text and status of an open one."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: 학내 와이파이 장애"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=OPEN_CHOICES)
    category = CategoryChoiceField(
        label=_("Affected category"),
        queryset=selectors.category_list(active_only=True),
        required=False,
    )
    locations = forms.CharField(
        label=_("Affected buildings"), max_length=200, required=False
    )
    message = forms.CharField(
        label=_("Public message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT_LENGTH,
        required=False,
        help_text=_("Shown to everyone on the portal while the notice is open."),
    )

    @classmethod
    def for_incident(cls, incident: Incident, data=None):
        return cls(
            data,
            initial={
                "title": incident.title,
                "status": incident.status,
                "category": incident.category_id,
                "locations": incident.locations,
                "message": incident.message,
            },
        )


class IncidentResolveForm(forms.Form):
    """The resolution message; its ids differ from the edit form's on one page."""

    message = forms.CharField(
        label=_("What was fixed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT_LENGTH,
        # The service requires it to resolve an open notice; on a resolved one
        # the same form (empty) answers the linked tickets still waiting.
        required=False,
        help_text=_(
            "Posted as a public reply to every linked open ticket, which is then "
            "resolved; the people who reported the same problem are told too."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "resolve_%s")
        super().__init__(*args, **kwargs)


class IncidentLinkForm(forms.Form):
    """The tickets ticked on the "link tickets" page."""

    tickets = TickedTicketsField(
        limit=MAX_LINKED_AT_ONCE, too_many=_("Link at most %(limit)s tickets at once.")
    )
