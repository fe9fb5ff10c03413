"""Template pieces for the pages: a ticket's files and the file inputs.

The pages call `{% ticket_attachments ticket %}` on the ticket page and
`{% attachment_input ticket %}` (or with no ticket, on the new-ticket form)
inside their forms; the policies decide what appears, the templates under
`attachments/includes/` write it.
"""

from django import template
from django.conf import settings

from .. import policies
from ..selectors import attachment_list

register = template.Library()


def _limits() -> dict:
    return {
        "max_bytes": settings.ATTACHMENT_MAX_BYTES,
        "accept": ",".join(settings.ATTACHMENT_TYPES),
    }


@register.inclusion_tag(
    "attachments/includes/ticket_attachments.html", takes_context=True
)
def ticket_attachments(context, ticket):
    """The files on a ticket the viewer may see, and the plain upload form."""
    request = context["request"]
    return {
        "request": request,
        "ticket": ticket,
        "attachments": attachment_list(user=request.user, ticket=ticket),
        "can_attach": policies.can_add_attachment(request.user, ticket),
        "can_attach_internal": policies.can_add_attachment(
            request.user, ticket, internal=True
        ),
        **_limits(),
    }


@register.inclusion_tag("attachments/includes/file_input.html", takes_context=True)
def attachment_input(context, ticket=None, internal_field="", internal_value=""):
    """A file picker inside another form; JavaScript does the three steps.

    `internal_field`/`internal_value`: the form's input that, when it has that
    value, makes the files internal (the reply form's visibility switch).
    Without a ticket (the new-ticket form) the files go to the ticket the
    form creates, so anyone who may send the form may pick files.
    """
    user = context["request"].user
    return {
        "allowed": ticket is None or policies.can_add_attachment(user, ticket),
        "ticket": ticket,
        "internal_field": internal_field,
        "internal_value": internal_value,
        **_limits(),
    }
