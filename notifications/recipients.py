"""Who is told of a ticket event: the table under "Notifications" in DESIGN.md."""

from django.contrib.auth import get_user_model

from tickets import policies

from .models import STAFF_ONLY_KINDS, CategoryAgent, NotificationKind

# Status changes the requester hears about.
REQUESTER_STATUSES = frozenset({"waiting", "resolved", "closed"})
# Service levels are internal: told to staff only (they are STAFF_ONLY_KINDS).
SLA_KINDS = frozenset({NotificationKind.SLA_WARNING, NotificationKind.SLA_BREACH})


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


def _cc_users(ticket):
    """The people copied on the ticket: told what the requester is told."""
    return list(
        get_user_model().objects.filter(ticket_ccs__ticket_id=ticket.pk).order_by("id")
    )


def _followers(ticket):
    """Staff following the ticket: told what the assignee is told."""
    return list(
        get_user_model()
        .objects.filter(followed_tickets__ticket_id=ticket.pk)
        .order_by("id")
    )


def _added_cc(ticket, new_value):
    """The person a "cc_added" event copied on the ticket (its new value)."""
    if not str(new_value).isdigit():
        return []
    return list(get_user_model().objects.filter(pk=int(new_value)))


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


def may_receive_incident_news(user) -> bool:
    """News of a public outage notice: anyone whose account is still active."""
    return bool(user is not None and user.is_active)


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
    they may not see (`may_receive`). People CC'd on the ticket hear what the
    requester hears; staff following it, what the assignee hears (and every
    public reply and status change).
    """
    candidates = []
    receipt = None
    # The requester is read only where they may be told (one query less on
    # the others).
    if kind == NotificationKind.TICKET_CREATED:
        receipt = ticket.requester
        candidates = _agents_for_new_ticket(ticket)
    elif kind == NotificationKind.REPLY_STAFF:
        candidates = [ticket.requester, *_cc_users(ticket), *_followers(ticket)]
    elif kind == NotificationKind.REPLY_REQUESTER:
        # By the requester or someone CC'd: the team, and the others on it.
        candidates = [
            *_assignee_or_all_agents(ticket),
            *_followers(ticket),
            ticket.requester,
            *_cc_users(ticket),
        ]
    elif kind == NotificationKind.ASSIGNED:
        candidates = [ticket.assignee] if new_value and ticket.assignee_id else []
    elif kind == NotificationKind.STATUS_CHANGED:
        candidates = _followers(ticket)
        if new_value in REQUESTER_STATUSES:
            candidates = [ticket.requester, *_cc_users(ticket), *candidates]
    elif kind == NotificationKind.INTERNAL_NOTE:
        assignee = [ticket.assignee] if ticket.assignee_id else []
        candidates = [*assignee, *_followers(ticket)]
    elif kind == NotificationKind.CC_ADDED:
        candidates = _added_cc(ticket, new_value)
    elif kind == NotificationKind.MERGED:
        # Where the request went: told like a close (tickets.services.merge).
        candidates = [ticket.requester, *_cc_users(ticket), *_followers(ticket)]
    elif kind == NotificationKind.SATISFACTION_BAD:
        # The requester's verdict on the work: whoever did it (and followers).
        assignee = [ticket.assignee] if ticket.assignee_id else []
        candidates = [*assignee, *_followers(ticket)]
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
