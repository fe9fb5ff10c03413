"""Turning one fetched mail into a ticket, a reply, or a recorded refusal.

`inbound_message_process(raw=…)` is the one entry point (the fetcher calls it
once per mail). Each mail is handled in its own transaction and recorded as an
`InboundMessage`, whose unique key (the Message-ID) makes a second fetch of the
same mail a no-op. Tickets, replies and files go through the tickets and
attachments services, acting as the sender, so the usual rules, history and
notifications apply.

Which ticket a mail answers is decided by `selectors.thread_ticket` (a signed
token or a Message-ID we sent to that sender, and the ticket policy); a
`[SD-…]` in the subject alone never joins anything. A mail that answers one of
our staff-only mails (internal note, service level, rating) is refused
whatever else it names (`selectors.answers_staff_only_mail`).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import is_staff_member
from attachments import services as attachment_services
from attachments.storage import StorageUnavailable
from notifications import services as notification_services
from notifications.models import NotificationKind
from tickets import services as ticket_services
from tickets.models import Category, Ticket

from . import parsing, quotes, selectors
from .models import InboundMessage, InboundStatus

logger = logging.getLogger(__name__)

# Errors of our own infrastructure: the mail is left in the mailbox and tried
# again on the next run, never sent to the error folder.
TRANSIENT_ERRORS = (StorageUnavailable, DatabaseError)


class Folder:
    DONE = "done"
    ERROR = "error"


@dataclass
class ProcessResult:
    """What became of one mail, and where the fetcher should move it."""

    message: InboundMessage | None
    folder: str
    duplicate: bool = False


# --- Entry point -----------------------------------------------------------------


def inbound_message_process(*, raw: bytes) -> ProcessResult:
    """Handle one raw mail; never raises for a problem of the mail itself.

    Raises only for our own transient failures (storage or database down):
    then nothing was recorded and the mail should be fetched again later.
    """
    try:
        mail = parsing.parse_message(raw)
    except parsing.MalformedMessage as exc:
        record = _failure_record(raw=raw, mail=None, reason=str(exc))
        return ProcessResult(record, Folder.ERROR)
    key = parsing.message_key(mail.message_id, raw)
    try:
        with transaction.atomic():
            return _process(mail, raw=raw, key=key)
    except IntegrityError:
        # Another fetcher recorded the same mail first.
        if InboundMessage.objects.filter(message_key=key).exists():
            return ProcessResult(None, Folder.DONE, duplicate=True)
        raise
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - recorded, shown in the admin
        logger.exception("Inbound mail %s could not be handled", key)
        reason = f"{type(exc).__name__}: {exc}"
        record = _failure_record(raw=raw, mail=mail, reason=reason)
        return ProcessResult(record, Folder.ERROR)


def _process(mail: parsing.ParsedMail, *, raw: bytes, key: str) -> ProcessResult:
    existing = (
        InboundMessage.objects.select_for_update().filter(message_key=key).first()
    )
    if existing is not None and existing.status != InboundStatus.FAILED:
        return ProcessResult(existing, Folder.DONE, duplicate=True)
    record = existing or InboundMessage(message_key=key)
    _fill(record, mail=mail, raw=raw)
    record.save()  # first, so the rate limit below counts it and a race fails here
    _decide(record, mail=mail, raw=raw)
    record.save()
    return ProcessResult(record, Folder.DONE)


def _fill(record, *, mail, raw):
    record.message_id = mail.message_id[:255]
    record.sender = mail.sender[:254]
    record.subject = Truncator(mail.subject).chars(300)
    record.headers = mail.headers
    record.size = len(raw)
    record.received_at = timezone.now()
    record.status = InboundStatus.FAILED  # until decided, in this transaction
    record.reason = ""
    record.user = record.ticket = record.comment = None


def _decide(record, *, mail, raw) -> None:
    noise = selectors.noise_reason(mail)
    if noise:
        record.status, record.reason = InboundStatus.IGNORED, noise
        return
    if selectors.sender_over_limit(mail.sender, exclude=record.pk):
        record.status = InboundStatus.RATE_LIMITED
        record.reason = (
            f"More than {settings.INBOUND_RATE_LIMIT} mails from this sender in "
            f"{settings.INBOUND_RATE_WINDOW} seconds."
        )
        return
    user, refusal = sender_account(mail)
    if user is None:
        record.status, record.reason = InboundStatus.REJECTED, refusal
        return
    record.user = user
    staff_only = selectors.answers_staff_only_mail(mail)
    if staff_only:
        # Before anything reads the text: the whole mail, quote included, is
        # the team's, and neither a reply nor a new ticket may carry it.
        record.status = InboundStatus.REJECTED
        record.reason = (
            f"It answers a staff-only e-mail ({staff_only}); a reply by mail would "
            "be public on the ticket, so it was not added. Write on the ticket "
            "page (internal notes there)."
        )
        return
    ticket = selectors.thread_ticket(mail, user=user)
    if ticket is not None:
        record.comment = _reply_add(ticket, mail=mail, user=user)
        record.ticket, record.status = record.comment.ticket, InboundStatus.REPLIED
    else:
        record.ticket = _ticket_open(mail, user=user)
        record.status = InboundStatus.CREATED
    _files_add(record.ticket, mail=mail, raw=raw, user=user, comment=record.comment)


def _failure_record(*, raw: bytes, mail, reason: str) -> InboundMessage:
    """Record a mail that could not be handled (its own transaction)."""
    message_id = mail.message_id if mail else ""
    key = parsing.message_key(message_id, raw)
    with transaction.atomic():
        record, _created = InboundMessage.objects.select_for_update().get_or_create(
            message_key=key, defaults={"status": InboundStatus.FAILED}
        )
        record.message_id = message_id[:255]
        record.sender = (mail.sender if mail else "")[:254]
        record.subject = Truncator(mail.subject if mail else "").chars(300)
        record.headers = mail.headers if mail else parsing.header_excerpt(raw)
        record.size = len(raw or b"")
        record.status = InboundStatus.FAILED
        record.reason = reason[:4000]
        record.received_at = timezone.now()
        record.save()
    return record


# --- Noise, loops and senders ------------------------------------------------------


def _allowed_domain(address: str) -> bool:
    domain = address.rpartition("@")[2].lower()
    allowed = {d.strip().lower().lstrip("@") for d in settings.INBOUND_ALLOWED_DOMAINS}
    return bool(domain) and domain in allowed


def sender_account(mail: parsing.ParsedMail):
    """(the sender's active account, "") or (None, why the mail is refused).

    With INBOUND_UNKNOWN_SENDERS "create", an address of INBOUND_ALLOWED_DOMAINS
    without an account gets a requester account (no password: they set one
    through "forgot password" if they want the portal).
    """
    User = get_user_model()
    user = User.objects.by_email(mail.sender).first()
    if user is not None:
        if not user.is_active:
            return None, "The sender's account is deactivated."
        return user, ""
    if settings.INBOUND_UNKNOWN_SENDERS != "create":
        return None, "No account has this address (INBOUND_UNKNOWN_SENDERS=reject)."
    if not _allowed_domain(mail.sender):
        return None, "No account has this address, and its domain is not allowed."
    try:
        validate_email(mail.sender)
    except ValidationError:
        return None, "The sender's address is not valid."
    user = User.objects.create_user(
        mail.sender, name=Truncator(mail.sender_name).chars(150), role=Role.REQUESTER
    )
    return user, ""


def intake_user():
    """The account that writes the internal notes and keeps the original mail.

    An agent named after the desk's own address (INBOUND_REPLY_ADDRESS), made
    on first use, with no password and no notification e-mails.
    """
    address = settings.INBOUND_REPLY_ADDRESS
    if not address:
        raise ImproperlyConfigured("Set INBOUND_REPLY_ADDRESS to fetch mail.")
    User = get_user_model()
    user = User.objects.by_email(address).first()
    if user is None:
        user = User.objects.create_user(
            address, name="E-mail intake (메일 접수)", role=Role.AGENT
        )
        notification_services.preference_update(
            user=user, **{f"email_{kind}": False for kind in NotificationKind.values}
        )
    if not (user.is_active and is_staff_member(user)):
        raise ImproperlyConfigured(
            f"The account {address} (INBOUND_REPLY_ADDRESS) must be an active agent."
        )
    return user


# --- Writing ------------------------------------------------------------------------


def _reply_add(ticket: Ticket, *, mail, user):
    body = quotes.strip_quoted(mail.text)
    if not body:
        with translation.override(settings.LANGUAGE_CODE):
            body = _("(The e-mail had no text.)")
    return ticket_services.ticket_reply(ticket=ticket, by=user, body=body)


def category_for(recipients: list[str]) -> Category:
    """The category of the first alias the mail was sent to, else the default."""
    aliases = {
        address.strip().lower(): slug
        for address, slug in settings.INBOUND_CATEGORY_ALIASES.items()
    }
    slugs = [aliases[a.lower()] for a in recipients if a.lower() in aliases]
    active = Category.objects.filter(is_active=True)
    for slug in [*slugs, settings.INBOUND_DEFAULT_CATEGORY, "other"]:
        category = active.filter(slug=slug).first()
        if category is not None:
            return category
    return active.order_by("sort_order", "id").first()


def _ticket_open(mail, *, user) -> Ticket:
    title = Truncator(parsing.one_line(mail.subject)).chars(200)
    if not title:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title = _("(no subject)")
    return ticket_services.ticket_create(
        by=user,
        title=title,
        description=mail.text,
        category=category_for(mail.recipients),
    )


def _upload(ticket, *, by, payload: bytes, filename, content_type, internal, comment):
    # A savepoint: a refused file leaves the rest of the mail's work intact.
    with transaction.atomic():
        return attachment_services.attachment_upload(
            ticket=ticket,
            by=by,
            fileobj=ContentFile(payload),
            filename=filename,
            content_type=content_type,
            internal=internal,
            comment=comment,
        )


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or type(exc).__name__


def _files_add(ticket, *, mail, raw: bytes, user, comment) -> None:
    """The mail's attachments (as the sender), the original mail (internal).

    Files the attachment rules refuse (type, size, name) are listed in an
    internal note, as is an original too large to keep.
    """
    refused = []
    for attachment in mail.attachments:
        try:
            _upload(
                ticket,
                by=user,
                payload=attachment.payload,
                filename=attachment.filename,
                content_type=attachment.content_type,
                internal=False,
                comment=comment,
            )
        except (ValidationError, PermissionDenied) as exc:
            refused.append({"name": attachment.filename, "reason": _refusal(exc)})
    intake = intake_user()
    with translation.override(settings.LANGUAGE_CODE):
        original_problem = ""
        try:
            _upload(
                ticket,
                by=intake,
                payload=raw,
                filename=f"{ticket.reference}-{timezone.now():%Y%m%d-%H%M%S}.eml",
                # The one text type every desk allows; the file opens in any
                # mail program by its .eml name.
                content_type="text/plain",
                internal=True,
                comment=None,
            )
        except (ValidationError, PermissionDenied) as exc:
            original_problem = _refusal(exc)
        if refused or original_problem:
            body = render_to_string(
                "inbound/refused_note.txt",
                {
                    "sender": mail.sender,
                    "refused": refused,
                    "original_problem": original_problem,
                    "original_size": filesizeformat(len(raw)),
                },
            ).strip()
            ticket_services.ticket_reply(
                ticket=ticket, by=intake, body=body, internal=True
            )
