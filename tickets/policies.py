"""Who may do what with a ticket: plain functions asked by services, API and pages.

Each function answers for one action and never touches the database beyond the
objects it is given, except `is_cc` (one indexed EXISTS, so a removed CC loses
access at once). Visibility of lists is the job of `querysets.visible_to`.

A CC'd user follows the requester's rules for viewing and replying; closing
stays the requester's (and staff's) decision: `allowed_statuses` asks
`is_own_ticket`, not `is_on_ticket`.
"""

from accounts.models import Role
from accounts.roles import is_staff_member

from .models import Priority, Status, Ticket, TicketCC

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


def is_cc(user, ticket: Ticket) -> bool:
    """Whether `user` is CC'd on `ticket`, as the database says now.

    The one rule here that reads a row (an indexed EXISTS): a CC removed a
    moment ago must not still open the ticket. Asked only of people who are
    neither staff nor the requester.
    """
    return bool(
        user
        and user.is_authenticated
        and ticket.pk
        and TicketCC.objects.filter(ticket_id=ticket.pk, user_id=user.pk).exists()
    )


def is_on_ticket(user, ticket: Ticket) -> bool:
    """The requester, or someone CC'd: the people a requester's rules apply to."""
    return is_own_ticket(user, ticket) or is_cc(user, ticket)


def can_view_ticket(user, ticket: Ticket) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return is_staff_member(user) or is_on_ticket(user, ticket)


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


def can_manage_cc(user, ticket: Ticket) -> bool:
    """Add or remove CCs: staff on any ticket, the requester on their own."""
    if is_staff_member(user):
        return True
    return bool(user and user.is_active and is_own_ticket(user, ticket))


def can_remove_cc(user, ticket: Ticket, cc_user) -> bool:
    """Those who manage the CCs, and a CC'd user taking themself off."""
    if can_manage_cc(user, ticket):
        return True
    return bool(user and user.is_authenticated and cc_user.pk == user.pk)


def can_follow_ticket(user, ticket: Ticket) -> bool:
    """Following (being told of every change) is for the IT team."""
    return is_staff_member(user)


def can_see_contact_details(viewer, person) -> bool:
    """E-mail and phone of a person on a ticket: staff, or the person themself."""
    return is_staff_member(viewer) or bool(
        viewer and viewer.is_authenticated and viewer.pk == person.pk
    )


# --- Canned replies and presence ------------------------------------------------------


def can_use_canned_replies(user) -> bool:
    """Listing, inserting and keeping personal canned replies: the IT team."""
    return is_staff_member(user)


def can_insert_canned_reply(user, ticket: Ticket) -> bool:
    """The reply form's canned-reply picker."""
    return can_use_canned_replies(user) and can_reply(user, ticket)


def can_keep_shared_canned_replies(user) -> bool:
    """The team's shared canned replies are kept by the admins."""
    return is_staff_member(user) and user.role == Role.ADMIN


def can_edit_canned_reply(user, canned) -> bool:
    """A personal canned reply: its owner; a shared one: the admins."""
    if canned.owner_id is None:
        return can_keep_shared_canned_replies(user)
    return is_staff_member(user) and canned.owner_id == user.pk


def can_see_presence(user, ticket: Ticket) -> bool:
    """Who else has the ticket open: the IT team only, never a requester."""
    return is_staff_member(user)


# --- Tags and saved views (staff only) ---------------------------------------------


def can_tag_ticket(user, ticket: Ticket) -> bool:
    """Tags are internal words: only staff see or change them."""
    return is_staff_member(user)


def can_use_saved_views(user) -> bool:
    """Saved views are queue filters: the IT team's."""
    return is_staff_member(user)


def can_change_saved_view(user, view) -> bool:
    """Rename or delete: the owner; a shared view also an admin."""
    if not is_staff_member(user):
        return False
    return view.owner_id == user.pk or (view.shared and user.role == Role.ADMIN)


def can_manage_links(user, ticket: Ticket) -> bool:
    """See, add and remove links between tickets: staff only."""
    return is_staff_member(user)


def can_merge_ticket(user, ticket: Ticket) -> bool:
    """Merge this ticket into another (staff); `ticket_merge` checks the rest."""
    return is_staff_member(user)


# --- Satisfaction (CSAT) -----------------------------------------------------------


def can_rate_ticket(user, ticket: Ticket) -> bool:
    """Rate a resolution: the requester alone (not CC'd users, not staff).

    Whether there is a resolution to rate is the service's check, not a
    question of who may.
    """
    return bool(user and user.is_active and is_own_ticket(user, ticket))


def can_see_satisfaction(user, ticket: Ticket) -> bool:
    """A ticket's ratings and their comments: staff, and the requester who rated."""
    return is_staff_member(user) or can_rate_ticket(user, ticket)


def can_manage_tags(user) -> bool:
    """Rename, merge and delete tags (the Django admin): admins."""
    return is_staff_member(user) and user.role == Role.ADMIN


# --- Outage notices (incidents) ----------------------------------------------------


def can_see_incidents(user) -> bool:
    """Open outage notices (public fields): anyone signed in and active."""
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_incidents(user) -> bool:
    """Open, update, link tickets to and resolve outage notices: the IT team."""
    return is_staff_member(user)


def can_unlink_incident(user, ticket: Ticket) -> bool:
    """Take this ticket off its outage notice: whoever manages the notices."""
    return can_manage_incidents(user)
