"""The signed reply address: `<local>+<token>@<domain>` of INBOUND_REPLY_ADDRESS.

The token names a ticket and the person the mail went to, signed with the
project's SECRET_KEY (`django.core.signing`), so nobody can make one up for a
ticket they were never sent. It only says which ticket a mail answers: whether
the sender may add to that ticket is still asked of the ticket policy.
"""

import re
from email.utils import parseaddr

from django.conf import settings
from django.core import signing

from notifications.models import is_staff_only

SALT = "inbound.reply-address"
_TOKEN = re.compile(r"^(\d+)\.(\d+)\.[A-Za-z0-9_-]+$")


def _signer() -> signing.Signer:
    # `sep` "." keeps the token within the characters a mail address may carry
    # unquoted; the signature is URL-safe base64 (letters, digits, - and _).
    # Made per use, so it signs with the current SECRET_KEY (and verifies with
    # SECRET_KEY_FALLBACKS during a key rotation).
    return signing.Signer(salt=SALT, sep=".")


def _split(address: str) -> tuple[str, str]:
    local, _at, domain = (address or "").strip().rpartition("@")
    return local, domain.lower()


def reply_token(*, ticket_id: int, user_id: int) -> str:
    return _signer().sign(f"{ticket_id}.{user_id}")


def reply_address(*, ticket_id: int, user_id: int) -> str:
    """The Reply-To of a mail about a ticket to a user; "" when inbound is off."""
    local, domain = _split(settings.INBOUND_REPLY_ADDRESS)
    if not (local and domain):
        return ""
    token = reply_token(ticket_id=ticket_id, user_id=user_id)
    return f"{local}+{token}@{domain}"


def token_from_address(address: str) -> tuple[int, int] | None:
    """(ticket id, user id) of a reply address whose token verifies, else None."""
    desk_local, desk_domain = _split(settings.INBOUND_REPLY_ADDRESS)
    local, domain = _split(address)
    base, plus, token = local.partition("+")
    if not (plus and desk_local and domain == desk_domain):
        return None
    if base.lower() != desk_local.lower() or not _TOKEN.match(token):
        return None
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    ticket_id, user_id = value.split(".")
    return int(ticket_id), int(user_id)


def is_desk_address(address: str) -> bool:
    """Our own address (with or without a token), or one of its aliases."""
    address = (address or "").strip().lower()
    desk_local, desk_domain = _split(settings.INBOUND_REPLY_ADDRESS.lower())
    local, domain = _split(address)
    own = {a.strip().lower() for a in settings.INBOUND_CATEGORY_ALIASES}
    own.add(parseaddr(settings.DEFAULT_FROM_EMAIL)[1].strip().lower())
    if desk_local and domain == desk_domain and local.partition("+")[0] == desk_local:
        return True
    return address in own


def inbound_mail_on() -> bool:
    """Whether mail to the desk is fetched (a reply address and a mailbox)."""
    return bool(settings.INBOUND_REPLY_ADDRESS and settings.INBOUND_IMAP_HOST)


def replies_by_mail(kind: str) -> bool:
    """Whether mails of this kind invite a reply by mail (inbound mail is on).

    Never for a staff-only kind (internal notes, service levels, ratings:
    `notifications.models.STAFF_ONLY_KINDS`): a reply by mail is a public
    reply. Those mails carry no signed Reply-To, and a reply that still
    threads to one is refused (`inbound.selectors.answers_staff_only_mail`).
    """
    return inbound_mail_on() and not is_staff_only(kind)


def notification_reply_to(*, ticket_id, user_id, kind: str) -> str:
    """The Reply-To of a notification mail, or "" when it invites no reply."""
    if not (ticket_id and user_id and replies_by_mail(kind)):
        return ""
    return reply_address(ticket_id=ticket_id, user_id=user_id)
