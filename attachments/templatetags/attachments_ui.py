"""Template pieces for the pages: a ticket's files and the file picker.

The ticket page calls `{% ticket_attachments ticket %}` for the files added on
their own, and `{% comment_files_index ticket as files %}` with
`{% comment_files files comment %}` for those sent with a reply, shown under
it. Forms call `{% attachment_input ticket field=… %}` (no ticket on the
new-ticket form) for their one file picker. The policies decide what appears,
the templates under `attachments/includes/` write it.
"""

from collections import defaultdict

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
    """The files on a ticket that came with no reply (the viewer may see)."""
    request = context["request"]
    files = list(attachment_list(user=request.user, ticket=ticket))
    return {
        "ticket": ticket,
        "attachments": [each for each in files if each.comment_id is None],
        "with_replies": any(each.comment_id is not None for each in files),
        "can_attach": policies.can_add_attachment(request.user, ticket),
    }


@register.simple_tag(takes_context=True)
def comment_files_index(context, ticket) -> dict:
    """The files sent with replies, by comment id: one query for the whole thread."""
    found = defaultdict(list)
    files = attachment_list(user=context["user"], ticket=ticket)
    for attachment in files.filter(comment__isnull=False):
        found[attachment.comment_id].append(attachment)
    return dict(found)


@register.inclusion_tag("attachments/includes/file_list.html")
def comment_files(index, comment):
    return {"attachments": index.get(comment.pk, []), "compact": True}


@register.inclusion_tag("attachments/includes/file_input.html", takes_context=True)
def attachment_input(
    context, ticket=None, internal_field="", internal_value="", field=None
):
    """The file picker inside a form; it works with and without JavaScript.

    Without JavaScript the files go with the form (multipart); the script
    checks them first, sends the form, then uploads them with a progress bar.
    `internal_field`/`internal_value`: the form's input that, when it has that
    value, makes the files internal (the reply form's visibility switch).
    `field`: the form's bound `ChosenFilesField`, for its errors and, when the
    form came back, the names of the files the browser could not keep.
    Without a ticket (the new-ticket form) the files go to the ticket the
    form creates, so anyone who may send the form may pick files.
    """
    user = context["request"].user
    dropped = []
    if field and field.form.is_bound:
        dropped = [chosen.name for chosen in field.data or [] if chosen.name]
    return {
        "allowed": ticket is None or policies.can_add_attachment(user, ticket),
        "ticket": ticket,
        "internal_field": internal_field,
        "internal_value": internal_value,
        "errors": field.errors if field else [],
        "dropped": dropped,
        **_limits(),
    }
