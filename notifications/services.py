"""Notifications: who is told what when a ticket changes (see DESIGN.md)."""


def notify_ticket_event(
    *, ticket, kind: str, actor, comment=None, old_value: str = "", new_value: str = ""
) -> None:
    """Record in-app notifications and queued e-mails for one ticket change.

    Called by the tickets services inside their transaction. `kind` is one of
    "ticket_created", "reply_staff", "reply_requester", "internal_note",
    "assigned", "status_changed". The notifications issue fills this in.
    """
