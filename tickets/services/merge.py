"""Merging a duplicate ticket into another (staff only).

One transaction (see `ticket_merge`): both tickets are locked in id order
(`links.lock_pair`, the order every two-ticket writer uses), so two merges of
the same pair queue up instead of deadlocking.

What the source's requester is told: the source's public history says it was
merged, and they are notified (in-app and e-mail, kind "merged") on the
source, the ticket they can always open. The target's reference is shown to
them only where they may see the target (their own ticket, or they were
added as CC); otherwise the notice and the page say their request is handled
under another ticket number, with no link that would answer 404.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments import services as attachment_services
from attachments.models import Attachment

from .. import policies
from ..models import Comment, EventKind, Status, Ticket
from ..people import display_name
from ._common import apply_status, field_error, notify, record, save, write
from .cc import ticket_cc_add
from .links import link_as_duplicate, lock_pair
from .tickets import ticket_reply


def _check(source: Ticket, into: Ticket, *, by) -> None:
    if not policies.can_view_ticket(by, source):
        raise Http404(_("No such ticket."))
    if not policies.can_merge_ticket(by, source):
        raise PermissionDenied(_("Only IT staff can merge tickets."))
    if source.pk == into.pk:
        raise field_error(
            "into", _("A ticket cannot be merged into itself."), "merge_self"
        )


def _check_locked(source: Ticket, into: Ticket) -> None:
    """The rules that need both tickets as they are now (locked)."""
    if source.merged_into_id:
        raise ValidationError(
            _("This ticket was already merged into %(reference)s.")
            % {"reference": source.merged_into_reference},
            code="merge_merged_source",
        )
    if source.status == Status.CLOSED:
        raise ValidationError(
            _("A closed ticket cannot be merged; reopen it first."),
            code="merge_closed_source",
        )
    if into.merged_into_id:
        raise field_error(
            "into",
            _(
                "%(reference)s was itself merged into %(target)s: merge into "
                "%(target)s instead."
            )
            % {"reference": into.reference, "target": into.merged_into_reference},
            "merge_chain",
        )
    if into.status == Status.CLOSED:
        raise field_error(
            "into",
            _("%(reference)s is closed: tickets can only be merged into open ones.")
            % {"reference": into.reference},
            "merge_closed_target",
        )


def _note_text(source: Ticket, *, by, files) -> str:
    """The internal note's text: the source's public conversation (a template)."""
    comments = Comment.objects.filter(ticket=source, internal=False).select_related(
        "author"
    )
    # The description opens the conversation, as on the ticket page.
    opening = [(source.requester, source.created_at, source.description)]
    entries = [
        {
            "author": display_name(author, by),
            "created_at": timezone.localtime(created_at),
            "body": body,
        }
        for author, created_at, body in opening
        + [(c.author, c.created_at, c.body) for c in comments]
        if body
    ]
    context = {
        "source": source,
        "entries": entries,
        "files": [attachment.filename for attachment in files],
    }
    return render_to_string("tickets/text/merge_note.txt", context).strip()


def _copy_files(files, *, into: Ticket, note: Comment, by, keys: list) -> None:
    """Copy the source's public files to the target as internal ones.

    Each copy's key is added to `keys` as soon as it exists, so the caller
    can remove the copies made before a failure.
    """
    for attachment in files:
        copy = attachment_services.attachment_copy(
            attachment=attachment, ticket=into, comment=note, by=by
        )
        keys.append(copy.key)


@write
def ticket_merge(
    *, source: Ticket, into: Ticket, by, add_requester_as_cc: bool = False
) -> Ticket:
    """Merge `source` (a duplicate) into `into`; staff only. Returns the source.

    Refused (ValidationError, 400): merging a ticket into itself, a source
    already merged or closed, a target that is closed or was itself merged
    (no chains: merge into where it went). Then, in one transaction:

    - the target gets one internal note with the source's public conversation
      (description and public replies: author, time, text) and the source's
      public files copied as internal attachments of that note, so nothing of
      it reaches the target's requester;
    - the source is closed through the status path (history, counters, service
      levels as any close), `merged_into` set, a public "merged" history entry;
      the target gets an internal one; a `duplicate` link joins the two;
    - the source's requester is notified ("merged"; see the module docstring)
      and, with `add_requester_as_cc`, added as CC on the target.

    Files are copied in the storage (their own keys: removing either file
    never removes the other's bytes); if a later step of the merge fails, the
    copies are removed again before the error rolls the transaction back.
    """
    _check(source, into, by=by)
    source, into = lock_pair(source, into)
    _check_locked(source, into)
    files = list(
        Attachment.objects.filter(ticket=source, internal=False).order_by("pk")
    )
    note = ticket_reply(
        ticket=into, by=by, body=_note_text(source, by=by, files=files), internal=True
    )
    copied: list[str] = []
    try:
        _copy_files(files, into=into, note=note, by=by, keys=copied)
        if add_requester_as_cc:
            # Before the notice: what it says depends on it.
            _add_requester_as_cc(source, into, by=by)
        _merge_records(source, into, by=by, note=note)
    except Exception:
        attachment_services.attachment_copy_discard(copied)
        raise
    return source


def _merge_records(source: Ticket, into: Ticket, *, by, note: Comment) -> None:
    changed = apply_status(
        source, to=Status.CLOSED, by=by, now=timezone.now(), announce=False
    )
    source.merged_into = into
    record(
        source,
        kind=EventKind.MERGED_INTO,
        by=by,
        field="merged_into",
        new=into.reference,
    )
    record(
        into,
        kind=EventKind.MERGED_FROM,
        by=by,
        field="merged_into",
        new=source.reference,
        internal=True,
        comment=note,
    )
    link_as_duplicate(source=source, target=into, by=by)
    notify(source, kind="merged", by=by, new=into.reference)
    save(source, changed | {"merged_into"})


def _add_requester_as_cc(source: Ticket, into: Ticket, *, by) -> None:
    """CC the source's requester on the target (they then follow it there)."""
    ticket_cc_add(ticket=into, person=source.requester, by=by, if_absent=True)
