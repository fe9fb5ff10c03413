"""Who may do what with a ticket: plain functions asked by services, API and pages.

Each function answers for one action and never touches the database beyond the
objects it is given. Visibility of lists is the job of `querysets.visible_to`.
"""

from accounts.roles import is_staff_member

from .models import Priority, Status, Ticket

# Status changes staff may make by hand (DESIGN.md, "Status rules"). Moving a
# ticket back to in_progress on an assign, a first public reply or a requester's
# reply is done by the services themselves.
STAFF_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED}
    ),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.RESOLVED, Status.CLOSED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.IN_PROGRESS, Status.WAITING, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
}

# A requester may only close their own ticket, from any open status.
REQUESTER_TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset({Status.CLOSED}) for status in Status if status != Status.CLOSED
}

REQUESTER_PRIORITIES = frozenset({Priority.LOW, Priority.MEDIUM, Priority.HIGH})


def is_own_ticket(user, ticket: Ticket) -> bool:
    return bool(user and user.is_authenticated and ticket.requester_id == user.pk)


def can_view_ticket(user, ticket: Ticket) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return is_staff_member(user) or is_own_ticket(user, ticket)


def can_see_internal(user) -> bool:
    """Internal notes, internal events and internal attachments."""
    return is_staff_member(user)


def can_create_ticket(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_create_ticket_for_others(user) -> bool:
    """Phone and walk-in tickets: staff open a ticket on a requester's behalf."""
    return is_staff_member(user)


def can_set_priority(user, priority: str) -> bool:
    """Requesters may pick low, medium or high; only staff set urgent."""
    return is_staff_member(user) or priority in REQUESTER_PRIORITIES


def can_reply(user, ticket: Ticket) -> bool:
    """Public replies: staff always; the requester on their own open ticket."""
    if is_staff_member(user):
        return True
    return can_view_ticket(user, ticket) and ticket.status != Status.CLOSED


def can_add_internal_note(user, ticket: Ticket) -> bool:
    return is_staff_member(user)


def can_edit_staff_fields(user, ticket: Ticket) -> bool:
    """Priority, category, assignee and free status changes (the PATCH)."""
    return is_staff_member(user)


def can_assign(user, ticket: Ticket) -> bool:
    return is_staff_member(user)


def can_be_assigned(user) -> bool:
    """Only active agents and admins can work a ticket."""
    return bool(user and user.is_active and user.is_agent_or_admin)


def allowed_statuses(user, ticket: Ticket) -> frozenset[str]:
    """Statuses this user may move this ticket to by hand (for buttons and menus)."""
    if is_staff_member(user):
        return STAFF_TRANSITIONS[ticket.status]
    if is_own_ticket(user, ticket) and user.is_active:
        return REQUESTER_TRANSITIONS.get(ticket.status, frozenset())
    return frozenset()


def can_change_status(user, ticket: Ticket, to: str) -> bool:
    return to in allowed_statuses(user, ticket)


def can_close_ticket(user, ticket: Ticket) -> bool:
    return can_change_status(user, ticket, Status.CLOSED)


def can_reopen_ticket(user, ticket: Ticket) -> bool:
    return is_staff_member(user) and ticket.status in (Status.CLOSED, Status.RESOLVED)


def can_see_contact_details(viewer, person) -> bool:
    """E-mail and phone of a person on a ticket: staff, or the person themself."""
    return is_staff_member(viewer) or bool(
        viewer and viewer.is_authenticated and viewer.pk == person.pk
    )
