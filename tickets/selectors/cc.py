"""Who is copied on and who follows a ticket, as the viewer may see it."""

from django.db.models import QuerySet

from ..models import Ticket, TicketCC, TicketFollower


def ticket_cc_list(*, user, ticket: Ticket) -> QuerySet:
    """The people copied on one ticket the user may see, first added first."""
    return (
        TicketCC.objects.visible_to(user)
        .filter(ticket=ticket)
        .select_related("user")
        .order_by("created_at", "id")
    )


def ticket_ids_involving(*, user) -> QuerySet:
    """Ids of the tickets `user` requested or is CC'd on ("my tickets")."""
    return Ticket.objects.involving(user).values("pk")


def ticket_is_followed(*, user, ticket: Ticket) -> bool:
    """Whether `user` follows the ticket."""
    return TicketFollower.objects.filter(ticket=ticket, user=user).exists()
