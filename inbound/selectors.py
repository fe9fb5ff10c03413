"""Reads about a fetched mail: is it automatic, who is over the limit, which ticket.

Which ticket a mail answers (`thread_ticket`): a verifying signed token in an
address it was sent to, or an In-Reply-To/References naming a mail we sent to
this very sender; and in both cases only a ticket the sender may reply to
(`tickets.policies`, `Ticket.objects.visible_to`). The subject is never read.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from notifications.models import NotificationKind, OutboundEmail, OutboundEmailStatus
from tickets import policies
from tickets.models import Ticket

from . import parsing, tokens
from .models import InboundMessage

BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})
# References beyond these are not looked at (a mail can name thousands).
MAX_THREAD_IDS = 50


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


def answers_internal_note(mail: parsing.ParsedMail, *, user) -> bool:
    """Whether the mail answers an internal-note e-mail we sent to this user.

    Replies by mail are public replies, so an answer to an internal note is
    never added: its author meant it for the team.
    """
    return bool(mail.in_reply_to) and (
        OutboundEmail.objects.filter(
            message_id__in=mail.in_reply_to[:MAX_THREAD_IDS],
            recipient=user,
            kind=NotificationKind.INTERNAL_NOTE,
        ).exists()
    )


def thread_ticket(mail: parsing.ParsedMail, *, user) -> Ticket | None:
    """The ticket this mail answers, if it answers one the sender may reply to."""
    for ticket_id in _candidate_ticket_ids(mail, user=user):
        ticket = Ticket.objects.visible_to(user).filter(pk=ticket_id).first()
        if ticket is not None and policies.can_reply(user, ticket):
            return ticket
    return None
