"""Tags: staff-only labels on tickets, and the tag list the admin keeps.

Tags are internal, like internal notes: changing a ticket's tags writes an
internal history entry and moves the data version (the cached pages show
tags), but leaves the ticket row alone (not its `version`, not `updated_at`),
so nothing of it reaches a requester. A `version` sent with a change is still
checked (409 on a stale one), as for every other ticket change.

Names are normalised by `tickets.tag_names`.
"""

import functools
import operator

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from .. import policies
from ..models import EventKind, Tag, Ticket
from ..tag_names import MAX_TAGS_PER_TICKET, tag_name_normalize, tag_names_normalize
from . import counters
from ._common import check_version, check_visible, field_error, lock, record, write

__all__ = [
    "MAX_TAGS_PER_TICKET",
    "apply_tags",
    "check_can_tag",
    "tag_name_normalize",
    "tag_names_normalize",
    "tag_rename",
    "tags_by_name",
    "tags_delete",
    "tags_merge",
    "ticket_tags_change",
    "ticket_tags_set",
]


def tags_by_name(names) -> list[Tag]:
    """The tags of these (normalised) names, whatever their case; none created."""
    if not names:
        return []
    wanted = functools.reduce(operator.or_, (Q(name__iexact=n) for n in names))
    return list(Tag.objects.filter(wanted))


def _tags_get_or_create(names) -> list[Tag]:
    found = {tag.name.casefold(): tag for tag in tags_by_name(names)}
    for name in names:
        if name.casefold() not in found:
            # get_or_create re-reads on a unique-constraint clash, so two
            # agents creating "VPN" and "vpn" at once end with one tag.
            found[name.casefold()], _created = Tag.objects.get_or_create(
                name__iexact=name, defaults={"name": name}
            )
    return [found[name.casefold()] for name in names]


def _names(tags) -> str:
    return ", ".join(sorted(tag.name for tag in tags))


def apply_tags(ticket: Ticket, *, by, replace=None, add=(), remove=()) -> bool:
    """Change the locked ticket's tags; one internal history entry if any changed.

    Names are normalised already. No checks: the callers have checked.
    """
    current = list(ticket.tags.all())
    keep = {tag.name.casefold() for tag in current}
    if replace is not None:
        wanted = _tags_get_or_create(replace)
    else:
        gone = {name.casefold() for name in remove}
        wanted = [tag for tag in current if tag.name.casefold() not in gone]
        wanted += [
            tag
            for tag in _tags_get_or_create([n for n in add if n.casefold() not in keep])
            if tag.name.casefold() not in gone
        ]
    if {tag.pk for tag in wanted} == {tag.pk for tag in current}:
        return False
    ticket.tags.set(wanted)
    record(
        ticket,
        kind=EventKind.TAGS_CHANGED,
        by=by,
        field="tags",
        old=_names(current),
        new=_names(wanted),
        internal=True,
    )
    return True


def check_can_tag(by, ticket: Ticket) -> None:
    if not policies.can_tag_ticket(by, ticket):
        raise PermissionDenied(_("Only IT staff can change tags."))


@write
def ticket_tags_set(
    *, ticket: Ticket, tags: list[str], by, version: int | None = None
) -> Ticket:
    """Give the ticket exactly these tags (staff only); names are normalised here."""
    ticket = lock(ticket)
    check_visible(by, ticket)
    check_can_tag(by, ticket)
    check_version(ticket, version)
    apply_tags(ticket, by=by, replace=tag_names_normalize(tags))
    return ticket


@write
def ticket_tags_change(
    *, ticket: Ticket, by, add: list[str] = (), remove: list[str] = ()
) -> Ticket:
    """Add and remove some tags, leaving the others (the queue's bulk change)."""
    ticket = lock(ticket)
    check_visible(by, ticket)
    check_can_tag(by, ticket)
    add, remove = tag_names_normalize(add), tag_names_normalize(remove)
    apply_tags(ticket, by=by, add=add, remove=remove)
    return ticket


# --- The tag list (the admin) ----------------------------------------------------


def _check_admin(by) -> None:
    if not policies.can_manage_tags(by):
        raise PermissionDenied(_("Only admins can manage the tag list."))


@write
def tag_rename(*, tag: Tag, name: str, by) -> Tag:
    """Rename a tag everywhere; a name another tag has is refused (merge instead)."""
    _check_admin(by)
    counters.touch()
    name = tag_name_normalize(name, field="name")
    clash = Tag.objects.filter(name__iexact=name).exclude(pk=tag.pk).exists()
    if clash:
        raise field_error(
            "name",
            _("Another tag is called “%(name)s”: merge the two instead.")
            % {"name": name},
            "duplicate_tag",
        )
    tag.name = name
    tag.save(update_fields=["name"])
    return tag


@write
def tags_merge(*, tags, into: Tag, by) -> int:
    """Move every ticket of `tags` to `into` and delete them; returns tickets moved.

    A catalogue change, not a ticket change: no history entries (the tag's
    name on the tickets is all that changes), but the data version moves.
    """
    _check_admin(by)
    counters.touch()
    others = [tag for tag in tags if tag.pk != into.pk]
    through = Ticket.tags.through
    tickets = (
        through.objects.filter(tag__in=others)
        .exclude(ticket__in=through.objects.filter(tag=into).values("ticket"))
        .values_list("ticket_id", flat=True)
        .distinct()
    )
    moved = [through(ticket_id=pk, tag=into) for pk in tickets]
    through.objects.bulk_create(moved, ignore_conflicts=True)
    Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
    return len(moved)


@write
def tags_delete(*, tags, by) -> None:
    """Delete tags (and take them off every ticket)."""
    _check_admin(by)
    counters.touch()
    Tag.objects.filter(pk__in=[tag.pk for tag in tags]).delete()
