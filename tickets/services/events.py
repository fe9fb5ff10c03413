"""History entries written on behalf of other apps (attachments)."""

from ..models import Comment, EventKind, Ticket, TicketEvent
from . import counters
from ._common import lock, record, save, write


def ticket_event_record(
    *,
    ticket: Ticket,
    kind: str,
    by,
    field: str = "",
    old_value: str = "",
    new_value: str = "",
    internal: bool = False,
    comment: Comment | None = None,
) -> TicketEvent:
    """Append one history entry; for other apps' services (e.g. attachments).

    Call it inside the caller's own transaction, after its policy checks.
    """
    counters.touch()
    return record(
        ticket,
        kind=kind,
        by=by,
        field=field,
        old=old_value,
        new=new_value,
        internal=internal,
        comment=comment,
    )


@write
def ticket_attachment_added(*, ticket: Ticket, attachment, by) -> TicketEvent:
    """Record a file attached to a ticket (the attachments service calls this).

    The history entry is internal for an internal attachment, and then, as for
    an internal note, the ticket row is left alone (not even `updated_at`), so
    nothing of it reaches a requester. A public file is a change of the ticket.
    """
    ticket = lock(ticket)
    event = record(
        ticket,
        kind=EventKind.ATTACHMENT_ADDED,
        by=by,
        field="attachment",
        new=attachment.filename,
        internal=attachment.internal,
        comment=attachment.comment,
    )
    if not attachment.internal:
        save(ticket, set())
    return event
