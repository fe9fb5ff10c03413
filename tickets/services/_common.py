"""Helpers shared by the ticket services: locking, checks, history, notifying.

Nothing here is public API; the functions in `tickets.services` are.
"""

import contextlib
import functools
import threading

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import services as notification_services
from notifications.recipients import REQUESTER_STATUSES
from sla import services as sla_services

from .. import policies
from ..models import Category, EventKind, Priority, Status, Ticket, TicketEvent
from . import counters


class _Unset:
    def __repr__(self):
        return "UNSET"

    def __bool__(self):
        return False


UNSET = _Unset()
"""Marks an argument of `ticket_update` that the caller leaves unchanged."""

MAX_VALUE_LENGTH = 200
# A change to one of these moves the service-level clocks (sla.services).
SLA_INPUTS = {"status", "priority", "category", "first_responded_at"}


def write(service):
    """A service's transaction, with the ticket counters written as its last step.

    See `counters`: the counter rows every writer shares are then held only
    from that last statement to the commit, and always after ticket rows.
    """

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with transaction.atomic(), counters.deferred():
            return service(*args, **kwargs)

    return wrapper


def lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock; concurrent writers queue up here.

    Not `search_text`: the database computes it on save, so a value read here
    would be stale after the change; left deferred, it is read when asked for.
    """
    counters.touch()
    try:
        return Ticket.objects.select_for_update().defer("search_text").get(pk=ticket.pk)
    except Ticket.DoesNotExist:
        raise Http404(_("No such ticket.")) from None


def check_version(ticket: Ticket, version: int | None) -> None:
    if version is not None and version != ticket.version:
        raise ValidationError(
            _(
                "This ticket was changed by someone else (it is now version "
                "%(current)s, you sent %(sent)s). Reload it and try again."
            ),
            code="conflict",
            params={"current": ticket.version, "sent": version},
        )


def check_visible(user, ticket: Ticket) -> None:
    if not policies.can_view_ticket(user, ticket):
        raise Http404(_("No such ticket."))


def clip(value) -> str:
    return str(value if value is not None else "")[:MAX_VALUE_LENGTH]


def record(ticket, *, kind, by, field="", old="", new="", internal=False, comment=None):
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=by,
        kind=kind,
        field=field,
        old_value=clip(old),
        new_value=clip(new),
        internal=internal,
        comment=comment,
    )


def notify(ticket, *, kind, by, comment=None, old="", new="") -> None:
    event = {
        "ticket": ticket,
        "kind": kind,
        "actor": by,
        "comment": comment,
        "old_value": old,
        "new_value": new,
    }
    pending = getattr(_combined, "events", None)
    if pending is not None:
        pending.append(event)
        return
    notification_services.notify_ticket_event(**event)


_combined = threading.local()


@contextlib.contextmanager
def one_notification():
    """Tell people once about a public reply and the status change it comes with.

    "Send and mark resolved" is one change to the requester: inside the block
    the events are collected, and a staff reply followed by a move to a status
    the requester hears of (waiting, resolved, closed) becomes that status
    change's notification, quoting the reply. Nothing is sent if the block
    fails (the transaction rolls back anyway).
    """
    if getattr(_combined, "events", None) is not None:
        yield
        return
    _combined.events = []
    try:
        yield
        events = _combined.events
    finally:
        _combined.events = None
    for event in _combine(events):
        notification_services.notify_ticket_event(**event)


def _combine(events: list[dict]) -> list[dict]:
    reply = next((e for e in events if e["kind"] == "reply_staff"), None)
    told = [
        e
        for e in events
        if e["kind"] == "status_changed" and e["new_value"] in REQUESTER_STATUSES
    ]
    if reply is None or not told:
        return events
    told[-1]["comment"] = reply["comment"]
    return [e for e in events if e is not reply]


def save(ticket: Ticket, fields: set[str]) -> Ticket:
    if fields & SLA_INPUTS:
        fields = fields | sla_services.ticket_sla_refresh(ticket, now=timezone.now())
    ticket.version += 1
    ticket.save(update_fields=sorted({*fields, "version", "updated_at"}))
    return ticket


def field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- Validation of single fields -----------------------------------------------


def validate_status_value(status: str) -> None:
    if status not in Status.values:
        raise field_error(
            "status",
            _("“%(value)s” is not a valid status.") % {"value": status},
            "invalid_choice",
        )


def validate_priority(by, priority: str) -> None:
    if priority not in Priority.values:
        raise field_error(
            "priority",
            _("“%(value)s” is not a valid priority.") % {"value": priority},
            "invalid_choice",
        )
    if not policies.can_set_priority(by, priority):
        raise field_error(
            "priority",
            _("Only IT staff can set the priority to urgent."),
            "forbidden_priority",
        )


def validate_category(category) -> None:
    if not isinstance(category, Category) or not category.is_active:
        raise field_error(
            "category", _("Choose one of the active categories."), "invalid_category"
        )


def validate_assignee(assignee) -> None:
    if assignee is not None and not policies.can_be_assigned(assignee):
        raise field_error(
            "assignee",
            _("Tickets can only be assigned to active agents or admins."),
            "invalid_assignee",
        )


def validate_transition(by, ticket: Ticket, to: str) -> None:
    """Refuse a status change the rules (DESIGN.md) do not allow for this user."""
    validate_status_value(to)
    if policies.can_change_status(by, ticket, to):
        return
    if not policies.is_staff_member(by) and to != Status.CLOSED:
        raise PermissionDenied(_("Requesters can only close their own tickets."))
    if not policies.is_staff_member(by) and not policies.is_own_ticket(by, ticket):
        # Someone copied on the ticket (CC): closing is the requester's call.
        raise PermissionDenied(_("Only the requester can close this ticket."))
    if ticket.status == to:
        message = _("The ticket is already “%(status)s”.") % {
            "status": Status(to).label
        }
    else:
        message = _("A ticket cannot go from “%(old)s” to “%(new)s”.") % {
            "old": Status(ticket.status).label,
            "new": Status(to).label,
        }
    raise field_error("status", message, "invalid_transition")


# --- Applying changes (no checks: callers have checked) --------------------------


def apply_status(ticket: Ticket, *, to: str, by, now, announce=True) -> set[str]:
    """Move the status; `announce=False` when the caller tells people itself."""
    old = ticket.status
    ticket.status = to
    counters.status_moved(old, to)
    if to == Status.RESOLVED:
        ticket.resolved_at, ticket.closed_at = now, None
    elif to == Status.CLOSED:
        ticket.closed_at = now
    else:
        # Back to work: the resolution (if any) no longer holds.
        ticket.resolved_at = ticket.closed_at = None
    record(
        ticket, kind=EventKind.STATUS_CHANGED, by=by, field="status", old=old, new=to
    )
    if announce:
        notify(ticket, kind="status_changed", by=by, old=old, new=to)
    return {"status", "resolved_at", "closed_at"}


def apply_assignee(ticket: Ticket, *, assignee, by) -> set[str]:
    old = str(ticket.assignee_id or "")
    new = str(assignee.pk if assignee else "")
    ticket.assignee = assignee
    record(ticket, kind=EventKind.ASSIGNED, by=by, field="assignee", old=old, new=new)
    notify(ticket, kind="assigned", by=by, old=old, new=new)
    return {"assignee"}


def apply_priority(ticket: Ticket, *, priority: str, by) -> set[str]:
    old, ticket.priority = ticket.priority, priority
    record(
        ticket,
        kind=EventKind.PRIORITY_CHANGED,
        by=by,
        field="priority",
        old=old,
        new=priority,
    )
    return {"priority"}


def apply_category(ticket: Ticket, *, category: Category, by) -> set[str]:
    old = ticket.category.slug
    ticket.category = category
    record(
        ticket,
        kind=EventKind.CATEGORY_CHANGED,
        by=by,
        field="category",
        old=old,
        new=category.slug,
    )
    return {"category"}
