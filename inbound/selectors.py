"""Reads about a fetched mail: is it automatic, who is over the limit, which ticket.

Which ticket a mail answers (`thread_ticket`): a verifying signed token in an
address it was sent to, or an In-Reply-To/References naming a mail we sent to
this very sender; and in both cases only a ticket the sender may reply to
(`tickets.policies`, `Ticket.objects.visible_to`). The subject is never read.
A mail naming one of our staff-only mails is never a reply
(`answers_staff_only_mail`).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from notifications.models import (
    STAFF_ONLY_KINDS,
    OutboundEmail,
    OutboundEmailStatus,
)
from tickets import policies
from tickets.models import Ticket

from . import parsing, tokens
from .models import InboundMessage

BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})
# References beyond these are not looked at (a mail can name thousands).
MAX_THREAD_IDS = 50
# Message-IDs per query when looking for a staff-only mail among all of them.
STAFF_ONLY_CHECK_BATCH = 500


def noise_reason(mail: parsing.ParsedMail) -> str:
    """Why this mail is automatic (no ticket for it), or "" for a person's mail."""
    if mail.auto_submitted and mail.auto_submitted.split(";")[0].strip() != "no":
        return f"Automatic mail (Auto-Submitted: {mail.auto_submitted})."
    if mail.precedence in BULK_PRECEDENCE:
        return f"Bulk or list mail (Precedence: {mail.precedence})."
    if mail.auto_reply:
        return "Automatic reply (X-Autoreply / X-Autorespond)."
    if mail.is_report or mail.null_return_path:
        return "Delivery report (bounce)."
    if mail.sender.partition("@")[0] in BOUNCE_SENDERS:
        return f"Delivery report from {mail.sender}."
    if tokens.is_desk_address(mail.sender):
        return "Sent from the desk's own address (a mail loop)."
    return ""


def sender_over_limit(sender: str, *, exclude=None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.INBOUND_RATE_WINDOW)
    recent = InboundMessage.objects.filter(sender=sender, received_at__gte=since)
    if exclude is not None:
        recent = recent.exclude(pk=exclude)
    return recent.count() >= settings.INBOUND_RATE_LIMIT


def _candidate_ticket_ids(mail: parsing.ParsedMail, *, user) -> list[int]:
    ids = []
    for address in mail.recipients:
        found = tokens.token_from_address(address)
        if found:
            ids.append(found[0])
    thread_ids = mail.thread_ids[:MAX_THREAD_IDS]
    if thread_ids:
        # Only mails we sent to this sender: a Message-ID seen by someone else
        # (a forward, a reply-all) names nothing for them.
        sent = OutboundEmail.objects.filter(
            message_id__in=thread_ids,
            recipient=user,
            status=OutboundEmailStatus.SENT,
            ticket__isnull=False,
        ).order_by("-created_at")
        ids += list(sent.values_list("ticket_id", flat=True))
    return list(dict.fromkeys(ids))


def answers_staff_only_mail(mail: parsing.ParsedMail) -> str:
    """The kind of staff-only e-mail this mail answers, or "".

    Any Message-ID it names (In-Reply-To or any References entry, as
    `thread_ticket` reads them) that is one of our staff-only mails (internal
    note, service level, rating: `notifications.models.STAFF_ONLY_KINDS`),
    whoever it was sent to: its quote is the team's, and replies by mail are
    public, so such a mail is never added to a ticket.
    """
    # Every id, not only the first MAX_THREAD_IDS that `thread_ticket` reads:
    # a refusal must not depend on how long the thread is (indexed lookups).
    thread_ids = mail.thread_ids
    for start in range(0, len(thread_ids), STAFF_ONLY_CHECK_BATCH):
        kind = (
            OutboundEmail.objects.filter(
                message_id__in=thread_ids[start : start + STAFF_ONLY_CHECK_BATCH],
                kind__in=STAFF_ONLY_KINDS,
            )
            .values_list("kind", flat=True)
            .first()
        )
        if kind:
            return kind
    return ""


def thread_ticket(mail: parsing.ParsedMail, *, user) -> Ticket | None:
    """The ticket this mail answers, if it answers one the sender may reply to."""
    for ticket_id in _candidate_ticket_ids(mail, user=user):
        ticket = Ticket.objects.visible_to(user).filter(pk=ticket_id).first()
        if ticket is not None and policies.can_reply(user, ticket):
            return ticket
    return None
