"""History entries written on behalf of other apps (attachments)."""

from ..models import Comment, Ticket, TicketEvent
from ._common import record


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
