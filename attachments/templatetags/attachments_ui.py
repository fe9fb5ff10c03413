"""Template pieces for the pages: a ticket's files and the file inputs.

The pages call `{% ticket_attachments ticket %}` on the ticket page and
`{% attachment_input ticket %}` (or with no ticket, on the new-ticket form)
inside their forms; the policies decide what appears.
"""

from django import template
from django.conf import settings
from django.urls import reverse

from .. import policies
from ..models import Attachment

register = template.Library()


def _limits() -> dict:
    return {
        "max_bytes": settings.ATTACHMENT_MAX_BYTES,
        "accept": ",".join(settings.ATTACHMENT_TYPES),
    }


def _api_urls(ticket) -> dict:
    if ticket is None:
        return {}
    return {
        "presign_url": reverse("ticket-attachments-presign", args=[ticket.pk]),
        "register_url": reverse("ticket-attachments", args=[ticket.pk]),
    }


@register.inclusion_tag("attachments/ticket_attachments.html", takes_context=True)
def ticket_attachments(context, ticket):
    """The files on a ticket the viewer may see, and the plain upload form."""
    user = context["request"].user
    files = (
        Attachment.objects.visible_to(user)
        .filter(ticket=ticket)
        .select_related("uploader")
    )
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "ticket": ticket,
        "attachments": files,
        "can_attach": policies.can_add_attachment(user, ticket),
        "can_attach_internal": policies.can_add_attachment(user, ticket, internal=True),
        **_limits(),
        **_api_urls(ticket),
    }


@register.inclusion_tag("attachments/file_input.html", takes_context=True)
def attachment_input(context, ticket=None, internal_field="", internal_value=""):
    """A file picker inside another form; JavaScript does the three steps.

    `internal_field`/`internal_value`: the form's input that, when it has that
    value, makes the files internal (the reply form's visibility switch).
    """
    user = context["request"].user
    allowed = ticket is None or policies.can_add_attachment(user, ticket)
    return {
        "allowed": allowed,
        "ticket": ticket,
        "internal_field": internal_field,
        "internal_value": internal_value,
        **_limits(),
        **_api_urls(ticket),
    }
