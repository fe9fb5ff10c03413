"""The one-click satisfaction links of the "resolved" e-mail.

A link carries the ticket, its requester, the resolution it is about (the
ticket's `resolved_at`) and the rating clicked, signed with the project's
SECRET_KEY (`django.core.signing`, a salt of its own) and timed: nobody can
make one up or change what it says, and it stops working after
SATISFACTION_LINK_MAX_AGE_DAYS. Opening it only shows a confirmation page; the
rating is saved by that page's POST (`tickets.views.SatisfactionLinkView`), and
only while the link's resolution is still the ticket's current one.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from . import policies
from .models import Satisfaction, Status, Ticket

SALT = "tickets.satisfaction-link"
# Statuses whose `resolved_at` is the resolution a requester may rate: a
# resolved ticket keeps it when it is closed (by hand or automatically).
RATABLE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)

# What a link may fail with: a bad or changed signature, or an old one.
BadLink = signing.BadSignature
ExpiredLink = signing.SignatureExpired


@dataclass(frozen=True)
class SatisfactionLink:
    """What a verified link says."""

    ticket_id: int
    requester_id: int
    resolved_at: datetime.datetime
    rating: str


def current_resolution(ticket: Ticket) -> datetime.datetime | None:
    """The resolution a rating of `ticket` is about now, or None (none to rate)."""
    if ticket.status in RATABLE_STATUSES:
        return ticket.resolved_at
    return None


def _signer() -> signing.TimestampSigner:
    # Made per use: it signs with the current SECRET_KEY and still verifies
    # links signed with SECRET_KEY_FALLBACKS during a key rotation.
    return signing.TimestampSigner(salt=SALT)


def _stamp(moment: datetime.datetime) -> int:
    """Microseconds since the epoch: exact, unlike a float timestamp."""
    return (moment - _EPOCH) // _MICROSECOND


def satisfaction_token(*, ticket: Ticket, rating: str) -> str:
    """The signed token of a link rating the ticket's current resolution."""
    resolution = current_resolution(ticket)
    if resolution is None:
        raise ValueError("The ticket has no resolution to rate.")
    payload = [ticket.pk, ticket.requester_id, _stamp(resolution), rating]
    return _signer().sign_object(payload)


def satisfaction_link_read(token: str) -> SatisfactionLink:
    """What a token says; raises `ExpiredLink` or `BadLink` when it says nothing.

    The signature is checked before anything in the token is read.
    """
    max_age = datetime.timedelta(days=settings.SATISFACTION_LINK_MAX_AGE_DAYS)
    value = _signer().unsign_object(token, max_age=max_age)
    # Signed by us, so well-formed unless another salt's format ever changes.
    match value:
        case [int(ticket_id), int(requester_id), int(stamp), str(rating)] if (
            rating in Satisfaction.values
        ):
            return SatisfactionLink(
                ticket_id=ticket_id,
                requester_id=requester_id,
                resolved_at=_EPOCH + stamp * _MICROSECOND,
                rating=rating,
            )
    raise BadLink("Not a satisfaction link.")


def satisfaction_mail_links(*, ticket: Ticket, recipient) -> dict[str, str]:
    """{rating: absolute URL} for a mail to `recipient`; {} unless they may rate.

    The links are the requester's: a CC'd user's or staff's copy of the same
    mail carries none, nor does a mail about a ticket reopened meanwhile.
    """
    if current_resolution(ticket) is None:
        return {}
    if not policies.can_rate_ticket(recipient, ticket):
        return {}
    return {
        rating: settings.APP_BASE_URL
        + reverse(
            "tickets:satisfaction_link",
            args=[satisfaction_token(ticket=ticket, rating=rating)],
        )
        for rating in Satisfaction.values
    }
