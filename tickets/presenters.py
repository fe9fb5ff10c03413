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
from .models import EventKind, LinkKind, Priority, Status, Ticket
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
    # Internal (staff only): the whole tag list before and after.
    EventKind.TAGS_CHANGED: gettext_lazy(
        "%(who)s changed the tags from %(old)s to %(new)s."
    ),
    EventKind.MERGED_INTO: gettext_lazy("%(who)s merged this ticket into %(new)s."),
    # Internal (staff only), like the link entries.
    EventKind.MERGED_FROM: gettext_lazy("%(who)s merged %(new)s into this ticket."),
    EventKind.LINK_ADDED: gettext_lazy("%(who)s linked %(new)s (%(field)s)."),
    EventKind.LINK_REMOVED: gettext_lazy(
        "%(who)s removed the link to %(new)s (%(field)s)."
    ),
    # Public: the notice's title (services.incidents).
    EventKind.INCIDENT_LINKED: gettext_lazy(
        "%(who)s linked this ticket to the outage notice “%(new)s”."
    ),
    EventKind.INCIDENT_UNLINKED: gettext_lazy(
        "%(who)s unlinked this ticket from the outage notice “%(old)s”."
    ),
}
# A merge into a ticket the viewer may not see: no reference (services.merge).
MERGED_ELSEWHERE = gettext_lazy(
    "%(who)s merged this request into another ticket, where the IT team handles it."
)
LINK_KINDS = (EventKind.LINK_ADDED, EventKind.LINK_REMOVED)
# People copied on the ticket: the user id is the new (added) or old value.
CC_SENTENCES = {
    EventKind.CC_ADDED: gettext_lazy("%(who)s added %(new)s to the ticket (CC)."),
    EventKind.CC_REMOVED: gettext_lazy("%(who)s removed %(old)s from the ticket (CC)."),
}
PERSON_KINDS = (EventKind.ASSIGNED, *CC_SENTENCES)
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
    if event.kind in PERSON_KINDS:
        person = people.get(int(value)) if value.isdigit() else None
        return display_name(person, viewer) if person else _("nobody")
    if event.kind == EventKind.STATUS_CHANGED and value in Status.values:
        return Status(value).label
    if event.kind == EventKind.PRIORITY_CHANGED and value in Priority.values:
        return Priority(value).label
    if event.kind == EventKind.CATEGORY_CHANGED and value in categories:
        return categories[value].name
    if event.kind == EventKind.TAGS_CHANGED:
        return value or _("no tags")
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
    if event.kind in LINK_KINDS and event.field in LinkKind.values:
        values["field"] = LinkKind(event.field).label
    if event.kind == EventKind.ASSIGNED:
        template = ASSIGNED if event.new_value else UNASSIGNED
    elif event.kind in CC_SENTENCES:
        template = CC_SENTENCES[event.kind]
    elif event.kind == EventKind.MERGED_INTO and not selectors.reference_visible(
        user=viewer, reference=event.new_value
    ):
        template = MERGED_ELSEWHERE
    else:
        template = SENTENCES.get(event.kind, "%(who)s: %(field)s %(new)s")
    return str(template) % values
