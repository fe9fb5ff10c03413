"""What the pages show, shaped from what the selectors read: no queries of their own
beyond the selectors they call, no markup (that is the templates' job).
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .models import EventKind, Priority, Status, Ticket
from .people import display_name


@dataclass
class ListPage:
    """One page of a ticket list as a list page shows it."""

    rows: list
    next_url: str | None = None
    previous_url: str | None = None
    errors: list = field(default_factory=list)


# --- History ----------------------------------------------------------------------------

# What each kind of history entry says.
SENTENCES = {
    EventKind.CREATED: gettext_lazy("%(who)s opened the ticket."),
    EventKind.REPLIED: gettext_lazy("%(who)s replied."),
    EventKind.INTERNAL_NOTE: gettext_lazy("%(who)s added an internal note."),
    EventKind.STATUS_CHANGED: gettext_lazy(
        "%(who)s changed the status from %(old)s to %(new)s."
    ),
    EventKind.PRIORITY_CHANGED: gettext_lazy(
        "%(who)s changed the priority from %(old)s to %(new)s."
    ),
    EventKind.CATEGORY_CHANGED: gettext_lazy(
        "%(who)s changed the category from %(old)s to %(new)s."
    ),
    EventKind.DETAILS_CHANGED: gettext_lazy(
        "%(who)s edited the ticket details (%(field)s)."
    ),
    EventKind.ATTACHMENT_ADDED: gettext_lazy("%(who)s attached a file %(new)s."),
    # Internal (staff only); `field` is the due time that passed.
    EventKind.SLA_BREACHED: gettext_lazy("Service level breached: %(field)s passed."),
}
ASSIGNED = gettext_lazy("%(who)s assigned the ticket to %(new)s.")
UNASSIGNED = gettext_lazy("%(who)s unassigned the ticket.")


def timeline(events, *, viewer) -> list[dict]:
    """Each history entry with a sentence saying what happened."""
    events = list(events)
    people, categories = selectors.event_subjects(events)
    return [
        {"event": event, "text": _sentence(event, viewer, people, categories)}
        for event in events
    ]


def _value(event, value, viewer, people, categories) -> str:
    if event.kind == EventKind.ASSIGNED:
        person = people.get(int(value)) if value.isdigit() else None
        return display_name(person, viewer) if person else _("nobody")
    if event.kind == EventKind.STATUS_CHANGED and value in Status.values:
        return Status(value).label
    if event.kind == EventKind.PRIORITY_CHANGED and value in Priority.values:
        return Priority(value).label
    if event.kind == EventKind.CATEGORY_CHANGED and value in categories:
        return categories[value].name
    return value


@lru_cache(maxsize=256)
def _field_label(field_name: str, language: str) -> str:
    """A ticket field's name in the language (most entries have no field)."""
    try:
        return str(Ticket._meta.get_field(field_name).verbose_name)
    except FieldDoesNotExist:
        return field_name


def _sentence(event, viewer, people, categories) -> str:
    who = display_name(event.actor, viewer)
    old = _value(event, event.old_value, viewer, people, categories)
    new = _value(event, event.new_value, viewer, people, categories)
    label = _field_label(event.field, translation.get_language())
    values = {"who": who, "old": old, "new": new, "field": label}
    if event.kind == EventKind.ASSIGNED:
        template = ASSIGNED if event.new_value else UNASSIGNED
    else:
        template = SENTENCES.get(event.kind, "%(who)s: %(field)s %(new)s")
    return str(template) % values
