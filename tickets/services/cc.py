"""CCs and followers of a ticket.

`ticket_cc_add` / `ticket_cc_remove`: people copied on a ticket, who then see
it, its public conversation and files, may reply and are told of its public
changes like the requester (DESIGN.md, "Permission matrix"). A public history
entry and a new ticket version each; the data version moves in the same
transaction, so a removed CC is refused on the very next request.

`ticket_follow` / `ticket_unfollow`: IT staff asking to be told of a ticket's
changes as its assignee is. Not history: who follows is no change of the
ticket, but the page shows it, so the data version moves.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .. import policies
from ..models import EventKind, Ticket, TicketCC, TicketFollower
from ..people import display_name
from . import counters
from ._common import check_visible, field_error, lock, notify, record, save, write


def _cc_user(person):
    """The active user `person` names: a user, or an e-mail address (any case)."""
    User = get_user_model()
    if isinstance(person, User):
        user = person
    else:
        address = (person or "").strip()
        if not address:
            raise field_error("email", _("Enter an e-mail address."), "required")
        user = User.objects.by_email(address).first()
    if user is None or not user.is_active:
        # Signed-in users only reach this; they need to know whom to fix.
        raise field_error(
            "email", _("No active user has this e-mail address."), "unknown_user"
        )
    return user


@write
def ticket_cc_add(
    *, ticket: Ticket, person, by, if_absent: bool = False
) -> TicketCC | None:
    """Copy `person` (a user or an e-mail address) on the ticket.

    The requester may add people to their own ticket, staff to any (403
    otherwise). An unknown or deactivated address, the requester themself or
    someone already CC'd is a ValidationError on "email" (codes
    "unknown_user", "requester", "duplicate"). With `if_absent=True` (a
    merge adding the source's requester) the last two are no error: nothing
    is written and None returned. The new CC is told they were added.
    """
    ticket = lock(ticket)
    check_visible(by, ticket)
    if not policies.can_manage_cc(by, ticket):
        raise PermissionDenied(
            _("Only the requester or IT staff can add people to this ticket.")
        )
    user = _cc_user(person)
    name = display_name(user, by)
    if user.pk == ticket.requester_id:
        if if_absent:
            return None
        raise field_error(
            "email",
            _("%(name)s is the requester of this ticket.") % {"name": name},
            "requester",
        )
    if TicketCC.objects.filter(ticket=ticket, user=user).exists():
        if if_absent:
            return None
        raise field_error(
            "email",
            _("%(name)s is already copied on this ticket.") % {"name": name},
            "duplicate",
        )
    cc = TicketCC.objects.create(ticket=ticket, user=user, added_by=by)
    record(ticket, kind=EventKind.CC_ADDED, by=by, new=user.pk)
    notify(ticket, kind="cc_added", by=by, new=user.pk)
    save(ticket, set())
    return cc


@write
def ticket_cc_remove(*, ticket: Ticket, person, by) -> None:
    """Take `person` (a user or a user id) off the ticket's CCs.

    The requester and staff may remove anyone, a CC'd user themself (403
    otherwise); someone not CC'd is Http404. Their access ends with this
    transaction, and mails still queued to them are dropped when sent
    (`notifications.recipients.may_receive`).
    """
    ticket = lock(ticket)
    check_visible(by, ticket)
    user_id = getattr(person, "pk", person)
    cc = TicketCC.objects.filter(ticket=ticket, user_id=user_id).select_related("user")
    cc = cc.first()
    if cc is None:
        raise Http404(_("This person is not copied on this ticket."))
    if not policies.can_remove_cc(by, ticket, cc.user):
        raise PermissionDenied(
            _("Only the requester or IT staff can remove people from this ticket.")
        )
    cc.delete()
    record(ticket, kind=EventKind.CC_REMOVED, by=by, old=cc.user_id)
    save(ticket, set())


@write
def ticket_follow(*, ticket: Ticket, by) -> TicketFollower:
    """Staff: be told of the ticket's changes (again: no change)."""
    if not policies.can_follow_ticket(by, ticket):
        raise PermissionDenied(_("Only IT staff can follow tickets."))
    counters.touch()
    follower, _created = TicketFollower.objects.get_or_create(ticket=ticket, user=by)
    return follower


@write
def ticket_unfollow(*, ticket: Ticket, by) -> None:
    """Stop following the ticket (not following: no change)."""
    if not policies.can_follow_ticket(by, ticket):
        raise PermissionDenied(_("Only IT staff can follow tickets."))
    counters.touch()
    TicketFollower.objects.filter(ticket=ticket, user=by).delete()
