"""Satisfaction (CSAT): the requester rates the resolution of their ticket.

One rating per resolution: rating the same resolution again replaces the
rating; once the ticket was reopened and resolved again, a rating is about the
new resolution (a new row). The ticket page, the API and the one-click link of
the "resolved" e-mail all save through `satisfaction_rate`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from .. import policies
from ..models import Satisfaction, SatisfactionRating, Ticket
from ..satisfaction_links import current_resolution
from ._common import check_visible, field_error, lock, notify, write

MAX_COMMENT_LENGTH = 2000


def _validate(rating: str, comment: str) -> None:
    if rating not in Satisfaction.values:
        raise field_error("rating", _("Choose “good” or “bad”."), "invalid_choice")
    if len(comment) > MAX_COMMENT_LENGTH:
        raise field_error(
            "comment",
            _("Keep the comment under %(limit)s characters.")
            % {"limit": MAX_COMMENT_LENGTH},
            "max_length",
        )


def satisfaction_check_resolution(
    *, ticket: Ticket, resolved_at: datetime.datetime | None = None
) -> datetime.datetime:
    """The resolution to rate now; ValidationError when there is none.

    With `resolved_at` (a link's), that resolution must still be the
    ticket's current one: after a reopen it is refused (code
    "earlier_resolution"), never applied to the new resolution.
    """
    resolution = current_resolution(ticket)
    if resolution is None:
        raise ValidationError(
            _("This ticket is not resolved: there is nothing to rate yet."),
            code="not_resolved",
        )
    if resolved_at is not None and resolved_at != resolution:
        raise ValidationError(
            _(
                "This link is for an earlier resolution of the ticket, which was "
                "reopened since. Rate the latest resolution on the ticket page."
            ),
            code="earlier_resolution",
        )
    return resolution


@write
def satisfaction_rate(
    *,
    ticket: Ticket,
    by,
    rating: str,
    comment: str = "",
    resolved_at: datetime.datetime | None = None,
) -> SatisfactionRating:
    """Save `by`'s rating of the ticket's current resolution; return it.

    Only the requester rates (anyone else, CC'd users and staff included, gets
    404: the rating is not theirs to see either way), and only a resolved
    ticket, or one closed after it was resolved. `resolved_at` is the
    resolution a satisfaction link was made for: a link from before the
    ticket was reopened is refused (code "earlier_resolution"), not applied to
    the new resolution. Moves the data version (the ticket page shows it).
    A rating that turns "bad" tells the assignee (in-app and e-mail).
    """
    ticket = lock(ticket)
    check_visible(by, ticket)
    if not policies.can_rate_ticket(by, ticket):
        raise Http404(_("No such ticket."))
    comment = (comment or "").strip()
    _validate(rating, comment)
    resolution = satisfaction_check_resolution(ticket=ticket, resolved_at=resolved_at)
    # The ticket row is locked: two ratings of one resolution queue up here,
    # so the second finds the first and replaces it.
    saved = SatisfactionRating.objects.filter(
        ticket=ticket, resolved_at=resolution
    ).first() or SatisfactionRating(ticket=ticket, resolved_at=resolution)
    turned_bad = rating == Satisfaction.BAD and saved.rating != Satisfaction.BAD
    saved.requester, saved.rating, saved.comment = by, rating, comment
    saved.save()
    if turned_bad:
        # The assignee hears of a "not good" once, not of every later edit.
        notify(ticket, kind="satisfaction_bad", by=by, new=rating)
    return saved
