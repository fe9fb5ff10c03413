"""Canned replies: agents' personal ones, and filling in a reply's placeholders.

Shared canned replies are kept by the admins in the Django admin; the agents
keep their own through the API. Every write moves the data version (the post_save
and post_delete receivers in `tickets/receivers.py`), since the ticket page's
cached fragment lists them in the reply form.

Placeholders are filled by an explicit substitution of exactly three names, not
by Django's template engine: a body is text anyone on the IT team may write, and
rendering it as a template would let it run tags (`{% include %}`, `{% debug %}`,
`{% load %}`), reach attributes of whatever the context held, and fail on a
stray `{%`. Here the values are plain strings chosen below, and anything else
that looks like a placeholder stays as it was typed.
"""

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .. import policies
from ..models import CannedReply, CannedReplyLanguage, Ticket
from ..people import display_name

PLACEHOLDER = re.compile(r"\{\{\s*(requester_name|ticket_reference|agent_name)\s*\}\}")
EDITABLE_FIELDS = ("title", "body", "language")


def placeholders_fill(body: str, values: dict[str, str]) -> str:
    """`body` with each known `{{ name }}` replaced by `values[name]`."""
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], body)


def canned_reply_fill(*, canned: CannedReply, ticket: Ticket, by) -> str:
    """The canned reply's text for `ticket`, as `by` would send it."""
    return placeholders_fill(
        canned.body,
        {
            "requester_name": display_name(ticket.requester, by),
            "ticket_reference": ticket.reference,
            "agent_name": display_name(by, by),
        },
    )


def _check_can_use(by) -> None:
    if not policies.can_use_canned_replies(by):
        raise PermissionDenied(_("Canned replies are for IT staff."))


@transaction.atomic
def canned_reply_create(
    *,
    by,
    title: str,
    body: str,
    language: str = CannedReplyLanguage.ANY,
    shared: bool = False,
) -> CannedReply:
    """A personal canned reply of `by`, or (`shared`, admins) one for the team."""
    if shared and not policies.can_keep_shared_canned_replies(by):
        raise PermissionDenied(_("Shared canned replies are kept by the admins."))
    _check_can_use(by)
    owner = None if shared else by
    canned = CannedReply(owner=owner, title=title, body=body, language=language)
    canned.full_clean(exclude=["owner"])
    canned.save()
    return canned


@transaction.atomic
def canned_reply_update(*, canned: CannedReply, by, **fields) -> CannedReply:
    """Change title, body or language; only who may edit it (policies)."""
    if not policies.can_edit_canned_reply(by, canned):
        raise PermissionDenied(_("Only its owner can change this canned reply."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(canned, name, value)
    canned.full_clean(exclude=["owner"])
    canned.save()
    return canned


@transaction.atomic
def canned_reply_delete(*, canned: CannedReply, by) -> None:
    if not policies.can_edit_canned_reply(by, canned):
        raise PermissionDenied(_("Only its owner can delete this canned reply."))
    canned.delete()
