"""Who is told of a ticket event: the table under "Notifications" in DESIGN.md."""

from django.contrib.auth import get_user_model

from tickets import policies

from .models import CategoryAgent, NotificationKind

# Status changes the requester hears about.
REQUESTER_STATUSES = frozenset({"waiting", "resolved", "closed"})
# Service levels are internal: told to staff only.
SLA_KINDS = frozenset({NotificationKind.SLA_WARNING, NotificationKind.SLA_BREACH})
STAFF_ONLY_KINDS = SLA_KINDS | {NotificationKind.INTERNAL_NOTE}


def _agents_for_new_ticket(ticket):
    """The category's named agents when there are any, else every agent."""
    User = get_user_model()
    named = CategoryAgent.objects.filter(category_id=ticket.category_id).values("agent")
    staff = User.objects.staff().order_by("id")
    if ticket.category_id and named.exists():
        return list(staff.filter(pk__in=named))
    return list(staff)


def _all_agents():
    return list(get_user_model().objects.staff().order_by("id"))


def may_receive(user, *, ticket, kind, comment=None) -> bool:
    """Whether `user` may be told of this event on `ticket` now.

    The ticket policy decides: they can see the ticket, and an internal note
    (or anything about an internal comment) only if they can see internal
    ones. Asked when an event is fanned out and again when its e-mail is
    sent, so a user demoted or deactivated in between hears nothing more.
    """
    if user is None or ticket is None or not policies.can_view_ticket(user, ticket):
        return False
    internal = kind in STAFF_ONLY_KINDS or bool(
        comment is not None and comment.internal
    )
    return not internal or policies.can_see_internal(user)


def _assignee_or_all_agents(ticket):
    """The assignee while they may work the ticket; else the whole team."""
    if ticket.assignee_id and policies.can_be_assigned(ticket.assignee):
        return [ticket.assignee]
    return _all_agents()


def _assignee_or_category_agents(ticket):
    """The assignee while they may work the ticket; else the category's
    named agents, else the whole team (service-level warnings)."""
    if ticket.assignee_id and policies.can_be_assigned(ticket.assignee):
        return [ticket.assignee]
    return _agents_for_new_ticket(ticket)


def event_recipients(*, ticket, kind, actor, new_value=""):
    """Return the users to tell, each once, in a stable order.

    Nobody hears of their own action except the requester's receipt for a new
    ticket; internal notes never reach the requester; nobody hears of a ticket
    they may not see (`may_receive`).
    """
    candidates = []
    receipt = None
    # The requester is read only where they may be told (one query less on
    # the others).
    if kind == NotificationKind.TICKET_CREATED:
        receipt = ticket.requester
        candidates = _agents_for_new_ticket(ticket)
    elif kind == NotificationKind.REPLY_STAFF:
        candidates = [ticket.requester]
    elif kind == NotificationKind.REPLY_REQUESTER:
        candidates = _assignee_or_all_agents(ticket)
    elif kind == NotificationKind.ASSIGNED:
        candidates = [ticket.assignee] if new_value and ticket.assignee_id else []
    elif kind == NotificationKind.STATUS_CHANGED:
        candidates = [ticket.requester] if new_value in REQUESTER_STATUSES else []
    elif kind == NotificationKind.INTERNAL_NOTE:
        candidates = [ticket.assignee] if ticket.assignee_id else []
    elif kind in SLA_KINDS:
        candidates = _assignee_or_category_agents(ticket)

    recipients = []
    seen = set()
    for user in ([receipt] if receipt else []) + candidates:
        if user is None or user.pk in seen:
            continue
        if not may_receive(user, ticket=ticket, kind=kind):
            continue
        if user is not receipt and actor is not None and user.pk == actor.pk:
            continue
        if kind in STAFF_ONLY_KINDS and user.pk == ticket.requester_id:
            continue
        seen.add(user.pk)
        recipients.append(user)
    return recipients
