"""Links between tickets (`TicketLink`): related and duplicate, staff only.

A link is shown on both tickets, so adding or removing one writes an internal
history entry on each (internal: links are for the IT team). The ticket rows
themselves do not change (no new `version`, no `updated_at`): nothing of it
reaches a requester. Both tickets are locked in id order, as a merge locks
them, so two agents linking the same pair queue up instead of deadlocking.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from .. import policies
from ..models import EventKind, LinkKind, Ticket, TicketLink
from ._common import field_error, lock, record, write


def lock_pair(first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    """Lock two tickets, lower id first (every writer of two tickets does)."""
    low, high = sorted((first, second), key=lambda ticket: ticket.pk)
    locked = {ticket.pk: ticket for ticket in (lock(low), lock(high))}
    return locked[first.pk], locked[second.pk]


def link_between(first: Ticket, second: Ticket) -> TicketLink | None:
    """The link joining the two tickets, whichever way round it was made."""
    return TicketLink.objects.filter(
        Q(from_ticket=first, to_ticket=second) | Q(from_ticket=second, to_ticket=first)
    ).first()


def check_can_link(by, ticket: Ticket) -> None:
    if not policies.can_view_ticket(by, ticket):
        raise Http404(_("No such ticket."))
    if not policies.can_manage_links(by, ticket):
        raise PermissionDenied(_("Only IT staff can link tickets."))


def _record_both(link: TicketLink, *, kind: str, by) -> None:
    for ticket, other in (
        (link.from_ticket, link.to_ticket),
        (link.to_ticket, link.from_ticket),
    ):
        record(
            ticket,
            kind=kind,
            by=by,
            field=link.kind,
            new=other.reference,
            internal=True,
        )


@write
def ticket_link_add(
    *, ticket: Ticket, other: Ticket, by, kind: str = LinkKind.RELATED
) -> TicketLink:
    """Link `ticket` to `other` (staff only); one link per pair of tickets."""
    check_can_link(by, ticket)
    if kind not in LinkKind.values:
        raise field_error(
            "kind",
            _("“%(value)s” is not a valid kind of link.") % {"value": kind},
            "invalid_choice",
        )
    if other.pk == ticket.pk:
        raise field_error(
            "ticket", _("A ticket cannot be linked to itself."), "link_self"
        )
    ticket, other = lock_pair(ticket, other)
    if link_between(ticket, other) is not None:
        raise field_error(
            "ticket",
            _("%(reference)s is already linked to this ticket.")
            % {"reference": other.reference},
            "link_exists",
        )
    link = TicketLink.objects.create(
        from_ticket=ticket, to_ticket=other, kind=kind, created_by=by
    )
    _record_both(link, kind=EventKind.LINK_ADDED, by=by)
    return link


@write
def ticket_link_remove(*, link: TicketLink, by) -> None:
    """Remove a link (staff only); both tickets' history says so."""
    check_can_link(by, link.from_ticket)
    link.from_ticket, link.to_ticket = lock_pair(link.from_ticket, link.to_ticket)
    deleted, _rows = TicketLink.objects.filter(pk=link.pk).delete()
    if not deleted:
        raise Http404(_("No such link."))
    _record_both(link, kind=EventKind.LINK_REMOVED, by=by)


def link_as_duplicate(*, source: Ticket, target: Ticket, by) -> TicketLink:
    """The `duplicate` link of a merge (the merge's own history says it).

    Inside the merge's transaction, both tickets locked. An existing link
    between the two becomes this one.
    """
    link = link_between(source, target)
    if link is None:
        return TicketLink.objects.create(
            from_ticket=source, to_ticket=target, kind=LinkKind.DUPLICATE, created_by=by
        )
    if link.kind != LinkKind.DUPLICATE:
        link.kind = LinkKind.DUPLICATE
        link.save(update_fields=["kind"])
    return link
