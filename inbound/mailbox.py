"""The desk's IMAP mailbox: fetch each mail, hand it to the services, file it.

IMAP is spoken by imap-tools (a maintained client on top of the standard
library's imaplib). A run takes the mails in INBOUND_IMAP_FOLDER one by one:
the raw bytes are read without marking them seen, the mail is handled in its
own transaction (`services.inbound_message_process`), then it is flagged
\\Seen and moved to INBOUND_IMAP_DONE_FOLDER, or to INBOUND_IMAP_ERROR_FOLDER
when it could not be read. A mail is only moved after its transaction
committed; if the server goes away in between, the mail stays in the inbox and
the next run finds it already recorded (its Message-ID is unique) and just
files it, so nothing is lost and nothing is created twice.
"""

import imaplib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from imap_tools import (
    AND,
    MailBox,
    MailBoxStartTls,
    MailBoxUnencrypted,
    MailMessageFlags,
)
from imap_tools.errors import ImapToolsError

from . import services

logger = logging.getLogger(__name__)

MAILBOX_CLASSES = {
    "ssl": MailBox,
    "starttls": MailBoxStartTls,
    "none": MailBoxUnencrypted,
}
# What a vanished or misbehaving server raises.
IMAP_ERRORS = (OSError, imaplib.IMAP4.error, ImapToolsError)


class MailboxUnavailable(Exception):
    """The IMAP server cannot be reached or refused us; try again later."""


@dataclass
class FetchReport:
    """What one run did, mail by mail (counts by outcome)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self):
        return ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items())) or "none"


def connect():
    """A logged-in mailbox with the inbound folder selected."""
    if not settings.INBOUND_IMAP_HOST:
        raise ImproperlyConfigured("Set INBOUND_IMAP_HOST to fetch mail.")
    mailbox_class = MAILBOX_CLASSES[settings.INBOUND_IMAP_SECURITY]
    try:
        mailbox = mailbox_class(
            settings.INBOUND_IMAP_HOST,
            settings.INBOUND_IMAP_PORT,
            timeout=settings.INBOUND_IMAP_TIMEOUT,
        )
        mailbox.login(
            settings.INBOUND_IMAP_USER,
            settings.INBOUND_IMAP_PASSWORD,
            initial_folder=settings.INBOUND_IMAP_FOLDER,
        )
        # imaplib keeps the capabilities announced before login, which often
        # lack MOVE; asked again, MOVE is one atomic command, not copy+delete.
        _typ, data = mailbox.client.capability()
        mailbox.client.capabilities = tuple(data[-1].decode().upper().split())
    except IMAP_ERRORS as exc:
        raise MailboxUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return mailbox


def _ensure_folders(mailbox) -> None:
    for name in (settings.INBOUND_IMAP_DONE_FOLDER, settings.INBOUND_IMAP_ERROR_FOLDER):
        if not mailbox.folder.exists(name):
            mailbox.folder.create(name)


def _raw(mailbox, uid: str) -> bytes | None:
    """The mail's bytes exactly as stored, without setting \\Seen."""
    typ, data = mailbox.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid} answered {typ}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None  # expunged by someone else meanwhile


def _file(mailbox, uid: str, folder: str) -> None:
    mailbox.flag(uid, MailMessageFlags.SEEN, True)
    mailbox.move(uid, folder)


def _outcome(result) -> str:
    if result.duplicate:
        return "duplicate"
    return result.message.status


def fetch_mail(*, limit: int | None = None) -> FetchReport:
    """Handle every mail now in the inbound folder (at most `limit`).

    Raises MailboxUnavailable when the server cannot be reached or goes away;
    what was done before stays done.
    """
    report = FetchReport()
    mailbox = connect()
    try:
        _ensure_folders(mailbox)
        uids = mailbox.uids(AND(deleted=False))
        for uid in uids[:limit] if limit else uids:
            _fetch_one(mailbox, uid, report)
    except IMAP_ERRORS as exc:
        raise MailboxUnavailable(f"{type(exc).__name__}: {exc}") from exc
    finally:
        _logout_quietly(mailbox)
    return report


def _fetch_one(mailbox, uid: str, report: FetchReport) -> None:
    raw = _raw(mailbox, uid)
    if raw is None:
        return
    try:
        result = services.inbound_message_process(raw=raw)
    except services.TRANSIENT_ERRORS:
        # Our storage or database is down: leave the mail for the next run.
        logger.warning("Inbound mail UID %s left for later", uid, exc_info=True)
        report.add("deferred")
        return
    folder = (
        settings.INBOUND_IMAP_ERROR_FOLDER
        if result.folder == services.Folder.ERROR
        else settings.INBOUND_IMAP_DONE_FOLDER
    )
    _file(mailbox, uid, folder)
    report.add(_outcome(result))


def _logout_quietly(mailbox) -> None:
    try:
        mailbox.logout()
    except Exception:  # noqa: BLE001 - the connection may already be gone
        logger.debug("IMAP logout failed", exc_info=True)
