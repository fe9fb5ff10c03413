"""Reads of attachments for the pages and the API."""

from django.db.models import QuerySet

from tickets.models import Ticket

from .models import Attachment


def attachment_list(*, user, ticket: Ticket) -> QuerySet[Attachment]:
    """The files on `ticket` that `user` may see, oldest first.

    Internal files only for staff (`Attachment.objects.visible_to`); the
    ticket page's files block and `GET /api/tickets/<id>/attachments` both
    list from here, so they always agree.
    """
    return (
        Attachment.objects.visible_to(user)
        .filter(ticket=ticket)
        .order_by("created_at", "pk")
    )
