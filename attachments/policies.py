"""Who may do what with attachments; built on `tickets.policies`."""

from tickets import policies as ticket_policies


def can_add_attachment(user, ticket, *, internal: bool = False) -> bool:
    """Public files follow public replies; internal ones follow internal notes."""
    if internal:
        return ticket_policies.can_add_internal_note(user, ticket)
    return ticket_policies.can_reply(user, ticket)


def can_view_attachment(user, attachment) -> bool:
    if not ticket_policies.can_view_ticket(user, attachment.ticket):
        return False
    return not attachment.internal or ticket_policies.can_see_internal(user)
