"""Every write to tickets, comments and their history.

Each public function takes keyword arguments and the acting user (`by`), checks
the policy and the status rules, locks the ticket row (`SELECT … FOR UPDATE`),
writes the change and its `TicketEvent`s and calls the notifications, all in one
transaction. Errors are Django's own: `ValidationError` (with a `code`; code
"conflict" for a stale `version`), `PermissionDenied` and `Http404`.

Versions: every call that changes the ticket row adds exactly one to `version`,
however many fields it changes (a PATCH of priority and assignee is one new
version with two history entries). An internal note does not touch the ticket
row, so nothing about it (not even `updated_at`) reaches a requester.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from sla.services import ticket_sla_refresh

from .. import policies
from ..models import Category, Comment, EventKind, Priority, Status, Ticket
from ..selectors import search_bigrams
from . import counters
from ._common import (
    UNSET,
    apply_assignee,
    apply_category,
    apply_priority,
    apply_status,
    check_version,
    check_visible,
    field_error,
    lock,
    notify,
    one_notification,
    record,
    save,
    validate_assignee,
    validate_category,
    validate_priority,
    validate_transition,
    write,
)
from .tags import apply_tags, check_can_tag, tag_names_normalize

# --- Create ---------------------------------------------------------------------


@write
def ticket_create(
    *,
    by,
    title: str,
    category: Category,
    description: str = "",
    priority: str = Priority.MEDIUM,
    requester=None,
    location: str = "",
    contact_phone: str = "",
) -> Ticket:
    """Open a ticket: by a requester for themself, or by staff for a requester.

    `requester` defaults to `by`. Staff open phone and walk-in tickets by naming
    an active requester (or themself); anyone else naming a requester is refused.
    """
    if not policies.can_create_ticket(by):
        raise PermissionDenied(_("Your account cannot open tickets."))
    counters.touch()
    requester = requester or by
    if requester.pk != by.pk:
        if not policies.can_create_ticket_for_others(by):
            raise PermissionDenied(
                _("Only IT staff can open a ticket for someone else.")
            )
        if not (requester.is_active and requester.is_requester):
            raise field_error(
                "requester",
                _("Tickets can be opened for active requesters only."),
                "invalid_requester",
            )
    validate_priority(by, priority)
    validate_category(category)
    ticket = Ticket(
        title=(title or "").strip(),
        description=(description or "").strip(),
        priority=priority,
        category=category,
        requester=requester,
        location=(location or "").strip(),
        contact_phone=(contact_phone or "").strip(),
    )
    ticket.search_bigrams = search_bigrams(
        ticket.title, ticket.description, ticket.location
    )
    # The category and the requester were checked above, as objects: no need
    # for full_clean to look each up again by id.
    ticket.full_clean(exclude=["search_bigrams", "category", "requester"])
    ticket_sla_refresh(ticket, now=timezone.now())
    ticket.save()
    counters.status_added(ticket.status)
    record(ticket, kind=EventKind.CREATED, by=by, new=ticket.status)
    notify(ticket, kind="ticket_created", by=by)
    return ticket


# --- Replies and notes ------------------------------------------------------------


@write
def ticket_reply(*, ticket: Ticket, by, body: str, internal: bool = False) -> Comment:
    """Add a public reply, or an internal note with `internal=True`.

    A first public reply by staff sets `first_responded_at` and moves a new
    ticket to in_progress. A requester's reply moves a waiting or resolved
    ticket back to in_progress; on a closed ticket it is refused (403): they
    open a new ticket instead. The returned comment's `.ticket` is the updated
    ticket.
    """
    ticket = lock(ticket)
    check_visible(by, ticket)
    body = (body or "").strip()
    if not body:
        raise field_error("body", _("Write a message."), "required")
    if internal:
        return _internal_note_add(ticket, by=by, body=body)
    if not policies.can_reply(by, ticket):
        raise PermissionDenied(
            _("This ticket is closed. Please open a new ticket instead.")
        )
    comment = Comment.objects.create(ticket=ticket, author=by, body=body)
    comment.ticket = ticket
    record(ticket, kind=EventKind.REPLIED, by=by, comment=comment)
    now = timezone.now()
    changed: set[str] = set()
    if policies.is_staff_member(by):
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
            changed.add("first_responded_at")
        notify(ticket, kind="reply_staff", by=by, comment=comment)
        if ticket.status == Status.NEW:
            changed |= apply_status(ticket, to=Status.IN_PROGRESS, by=by, now=now)
    else:
        notify(ticket, kind="reply_requester", by=by, comment=comment)
        if ticket.status in (Status.WAITING, Status.RESOLVED):
            changed |= apply_status(ticket, to=Status.IN_PROGRESS, by=by, now=now)
    save(ticket, changed)
    return comment


@write
def ticket_reply_and_status_change(
    *,
    ticket: Ticket,
    by,
    body: str,
    status: str,
    internal: bool = False,
    version: int | None = None,
) -> Comment:
    """Send a reply (or add a note) and move the ticket to `status`, together.

    "Send and mark resolved": one transaction, so a refused status change (a
    stale `version`, a move the status rules forbid) sends no message either,
    and one notification (`one_notification`): the status change, quoting
    the reply.
    The version is checked before anything is written; a ticket that the reply
    itself already moved to `status` is left there. The returned comment's
    `.ticket` is the updated ticket.
    """
    locked = lock(ticket)
    check_visible(by, locked)
    check_version(locked, version)
    with one_notification():
        comment = ticket_reply(ticket=ticket, by=by, body=body, internal=internal)
        if comment.ticket.status != status:
            comment.ticket = ticket_status_change(
                ticket=comment.ticket, status=status, by=by
            )
    return comment


def _internal_note_add(ticket: Ticket, *, by, body: str) -> Comment:
    if not policies.can_add_internal_note(by, ticket):
        raise PermissionDenied(_("Only IT staff can add internal notes."))
    comment = Comment.objects.create(ticket=ticket, author=by, body=body, internal=True)
    comment.ticket = ticket
    record(ticket, kind=EventKind.INTERNAL_NOTE, by=by, internal=True, comment=comment)
    notify(ticket, kind="internal_note", by=by, comment=comment)
    return comment


# --- Staff fields -------------------------------------------------------------------


@write
def ticket_update(
    *,
    ticket: Ticket,
    by,
    version: int | None = None,
    status=UNSET,
    priority=UNSET,
    category=UNSET,
    assignee=UNSET,
    tags=UNSET,
) -> Ticket:
    """Change several staff fields at once (the API's PATCH); staff only.

    Arguments left as UNSET are not touched; values equal to the current ones
    are no change. Everything is checked before anything is written; one
    version check, and one version bump if anything changed. Assigning a new
    ticket moves it to in_progress unless `status` is given as well. `tags`
    (a list of names) replaces the ticket's tags: internal, so it alone moves
    no version (see `tags`).
    """
    ticket = lock(ticket)
    check_visible(by, ticket)
    if not policies.can_edit_staff_fields(by, ticket):
        raise PermissionDenied(
            _("Only IT staff can change the status, priority, category or assignee.")
        )
    check_version(ticket, version)
    status = UNSET if status == ticket.status else status
    priority = UNSET if priority == ticket.priority else priority
    category = (
        UNSET if category is not UNSET and category == ticket.category else category
    )
    if (
        assignee is not UNSET
        and (assignee.pk if assignee else None) == ticket.assignee_id
    ):
        assignee = UNSET
    if status is not UNSET:
        validate_transition(by, ticket, status)
    if priority is not UNSET:
        validate_priority(by, priority)
    if category is not UNSET:
        validate_category(category)
    if assignee is not UNSET:
        validate_assignee(assignee)
    if tags is not UNSET:
        check_can_tag(by, ticket)
        tags = tag_names_normalize(tags)

    now = timezone.now()
    changed: set[str] = set()
    if category is not UNSET:
        changed |= apply_category(ticket, category=category, by=by)
    if priority is not UNSET:
        changed |= apply_priority(ticket, priority=priority, by=by)
    if assignee is not UNSET:
        changed |= apply_assignee(ticket, assignee=assignee, by=by)
        if assignee and status is UNSET and ticket.status == Status.NEW:
            changed |= apply_status(ticket, to=Status.IN_PROGRESS, by=by, now=now)
    if status is not UNSET:
        changed |= apply_status(ticket, to=status, by=by, now=now)
    if tags is not UNSET:
        apply_tags(ticket, by=by, replace=tags)
    return save(ticket, changed) if changed else ticket


def ticket_assign(
    *, ticket: Ticket, assignee, by, version: int | None = None
) -> Ticket:
    """Assign the ticket to an agent or admin, or unassign it with None.

    Assigning a new ticket moves it to in_progress.
    """
    if not policies.can_assign(by, ticket):
        raise PermissionDenied(_("Only IT staff can assign tickets."))
    return ticket_update(ticket=ticket, by=by, version=version, assignee=assignee)


def ticket_priority_change(
    *, ticket: Ticket, priority: str, by, version: int | None = None
) -> Ticket:
    """Change the priority (staff only)."""
    return ticket_update(ticket=ticket, by=by, version=version, priority=priority)


def ticket_category_change(
    *, ticket: Ticket, category: Category, by, version: int | None = None
) -> Ticket:
    """Change the category (staff only)."""
    return ticket_update(ticket=ticket, by=by, version=version, category=category)


@write
def ticket_status_change(
    *, ticket: Ticket, status: str, by, version: int | None = None
) -> Ticket:
    """Move the ticket to `status` if the status rules allow it for `by`.

    Staff follow the status table; a requester may only close their own ticket.
    """
    ticket = lock(ticket)
    check_visible(by, ticket)
    validate_transition(by, ticket, status)
    check_version(ticket, version)
    changed = apply_status(ticket, to=status, by=by, now=timezone.now())
    return save(ticket, changed)


@write
def ticket_status_change_and_claim(*, ticket: Ticket, status: str, by) -> Ticket:
    """Like `ticket_status_change` (staff only), and nobody's ticket gets a worker.

    An unassigned ticket put in progress is assigned to `by` in the same
    change (one version, both in the history): "in progress" with nobody on
    it tells the requester that someone works on it when nobody does. The
    queue's bulk change uses it.
    """
    ticket = lock(ticket)
    check_visible(by, ticket)
    validate_transition(by, ticket, status)  # "already in progress" included
    claim = (
        status == Status.IN_PROGRESS
        and ticket.assignee_id is None
        and policies.can_be_assigned(by)
    )
    return ticket_update(
        ticket=ticket, by=by, status=status, assignee=by if claim else UNSET
    )


def ticket_close(*, ticket: Ticket, by, version: int | None = None) -> Ticket:
    """Close the ticket: its requester or staff."""
    return ticket_status_change(
        ticket=ticket, status=Status.CLOSED, by=by, version=version
    )


@write
def ticket_reopen(*, ticket: Ticket, by, version: int | None = None) -> Ticket:
    """Put a closed or resolved ticket back to in_progress (staff only)."""
    ticket = lock(ticket)
    check_visible(by, ticket)
    if not policies.is_staff_member(by):
        raise PermissionDenied(_("Only IT staff can reopen tickets."))
    if not policies.can_reopen_ticket(by, ticket):
        raise field_error(
            "status",
            _("Only closed or resolved tickets can be reopened."),
            "invalid_transition",
        )
    check_version(ticket, version)
    changed = apply_status(ticket, to=Status.IN_PROGRESS, by=by, now=timezone.now())
    return save(ticket, changed)


@write
def ticket_details_update(
    *,
    ticket: Ticket,
    by,
    version: int | None = None,
    title=UNSET,
    description=UNSET,
    location=UNSET,
    contact_phone=UNSET,
) -> Ticket:
    """Correct the title, description, location or contact phone (staff only)."""
    ticket = lock(ticket)
    if not policies.can_edit_staff_fields(by, ticket):
        raise PermissionDenied(_("Only IT staff can edit ticket details."))
    check_version(ticket, version)
    values = {
        "title": title,
        "description": description,
        "location": location,
        "contact_phone": contact_phone,
    }
    changed: set[str] = set()
    for field, value in values.items():
        if value is UNSET or (value or "").strip() == getattr(ticket, field):
            continue
        old, new = getattr(ticket, field), (value or "").strip()
        setattr(ticket, field, new)
        changed.add(field)
        shown = field != "description"  # the text itself can be long
        record(
            ticket,
            kind=EventKind.DETAILS_CHANGED,
            by=by,
            field=field,
            old=old if shown else "",
            new=new if shown else "",
        )
    if not changed:
        return ticket
    ticket.full_clean(exclude=["search_bigrams", "category", "requester", "assignee"])
    ticket.search_bigrams = search_bigrams(
        ticket.title, ticket.description, ticket.location
    )
    return save(ticket, changed | {"search_bigrams"})
