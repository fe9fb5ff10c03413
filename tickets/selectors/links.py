"""Reads of links between tickets and of where a merged ticket went."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .. import policies
from ..models import Ticket, TicketLink
from .search import parse_reference


def ticket_links(*, user, ticket: Ticket) -> list[TicketLink]:
    """The ticket's links either way round, oldest first; staff only (else none).

    Each link's `other` is the ticket at the far end (one query in all).
    """
    if not policies.can_manage_links(user, ticket):
        return []
    links = list(
        TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket))
        .select_related("from_ticket", "to_ticket", "created_by")
        .defer(
            "from_ticket__search_text",
            "from_ticket__search_bigrams",
            "to_ticket__search_text",
            "to_ticket__search_bigrams",
        )
        .order_by("created_at", "id")
    )
    for link in links:
        link.other_ticket = link.other(ticket)
    return links


def ticket_link_get(*, user, ticket: Ticket, pk: int) -> TicketLink:
    """One link of the ticket (404 if it is not one of them or not visible)."""
    for link in ticket_links(user=user, ticket=ticket):
        if link.pk == pk:
            return link
    raise Http404(_("No such link."))


def with_merged_into_seen(tickets: QuerySet, *, user) -> QuerySet:
    """`tickets`, each marked with whether `user` may see where it was merged.

    For lists: `merged_into_visible` then reads the mark (`merged_into_seen`,
    an EXISTS in the rows' own query) rather than asking once per merged row.
    Staff see every ticket: nothing to mark.
    """
    if policies.can_see_internal(user):
        return tickets
    return tickets.annotate(
        merged_into_seen=Exists(
            Ticket.objects.visible_to(user).filter(pk=OuterRef("merged_into_id"))
        )
    )


def merged_into_visible(*, user, ticket: Ticket) -> Ticket | None:
    """The ticket this one was merged into, if `user` may see it; else None.

    An unsaved stand-in holding the id (all the pages and the API show): no
    query for staff or for a row of `with_merged_into_seen`; else one EXISTS,
    true only when the target is theirs or they are CC'd on it (see
    tickets.services.merge).
    """
    target_id = ticket.merged_into_id
    if not target_id:
        return None
    seen = getattr(ticket, "merged_into_seen", None)
    if seen is None:
        seen = (
            policies.can_see_internal(user)
            or Ticket.objects.visible_to(user).filter(pk=target_id).exists()
        )
    return Ticket(pk=target_id) if seen else None


def reference_visible(*, user, reference: str) -> bool:
    """Whether `user` may see the ticket `reference` names (history entries).

    No query for staff; one EXISTS for anyone else.
    """
    if policies.can_see_internal(user):
        return True
    pk = parse_reference(reference)
    return pk is not None and Ticket.objects.visible_to(user).filter(pk=pk).exists()


def ticket_by_reference(*, user, text) -> Ticket | None:
    """The ticket `text` names (`SD-000123`, `123`) if `user` may see it."""
    pk = parse_reference(str(text))
    if pk is None:
        return None
    tickets = Ticket.objects.visible_to(user).defer("search_text", "search_bigrams")
    return tickets.filter(pk=pk).first()
