"""The e-mail outbox: claim due rows, send them over SMTP, record the outcome.

Each `OutboundEmail` row is claimed in a short transaction of its own
(`SELECT … FOR UPDATE SKIP LOCKED`, then status `sending` with a lease),
rendered if it was queued unrendered (subject and bodies in the recipient's
language, from what the change recorded), sent, and marked `sent` together with
its rendered content. A row that cannot be rendered is marked `failed` with the
reason. A row whose recipient may no longer see what it is about (demoted,
deactivated since the change: `recipients.may_receive`, asked again with the
recipient and the ticket as they are now) is never sent and is marked
`dropped`. A worker that dies between claim and mark leaves the row in
`sending`; once its lease is over another worker takes it again. So a mail is
sent exactly once unless a worker dies after the SMTP server accepted the mail
and before the row was marked, where it may go twice (never zero times).
"""

import logging
import os
import smtplib
import socket
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inbound import tokens as inbound_tokens

from . import rendering
from .models import OutboundEmail, OutboundEmailStatus
from .recipients import may_receive, may_receive_incident_news

logger = logging.getLogger(__name__)

Status = OutboundEmailStatus


DROPPED_REASON = (
    "Not sent: the recipient can no longer see this ticket or this internal note."
)


class PermanentFailure(Exception):
    """This mail can never be delivered as it is: do not retry it."""


def worker_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff_delay(attempts: int) -> timedelta:
    """Wait before the next try: base × 2^(attempts − 1), capped."""
    base = settings.NOTIFICATIONS_BACKOFF_BASE_SECONDS
    cap = settings.NOTIFICATIONS_BACKOFF_MAX_SECONDS
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _fail_exhausted_stale_rows(now):
    """Rows whose worker died on their last allowed attempt are not sent again."""
    lease_start = now - timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    OutboundEmail.objects.filter(
        status=Status.SENDING,
        claimed_at__lt=lease_start,
        attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS,
    ).update(
        status=Status.FAILED,
        last_error="The worker stopped while sending; no attempts left.",
        claimed_at=None,
        claimed_by="",
    )


def claim(*, token: str, limit: int, ids=None, now=None) -> list[OutboundEmail]:
    """Mark up to `limit` rows due at `now` as being sent by `token`; return them."""
    now = now or timezone.now()
    lease_start = now - timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    with transaction.atomic():
        _fail_exhausted_stale_rows(now)
        due = OutboundEmail.objects.due(now, lease_start)
        if ids is not None:
            due = due.filter(pk__in=ids)
        picked = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if not picked:
            return []
        OutboundEmail.objects.filter(pk__in=picked).update(
            status=Status.SENDING,
            claimed_at=now,
            claimed_by=token,
            attempts=F("attempts") + 1,
        )
    # Everything rendering needs comes in this one query.
    return list(
        OutboundEmail.objects.filter(pk__in=picked, claimed_by=token)
        .select_related(
            "ticket__category",
            "ticket__requester",
            "actor",
            "recipient",
            "comment",
            "incident",
        )
        .order_by("next_attempt_at", "id")
    )


def _render(row) -> str:
    """Render a row written unrendered; return the error, or "" when fine."""
    if row.rendered:
        return ""
    try:
        rendering.render_outbound(row)
    except Exception as exc:  # noqa: BLE001 - recorded, visible in the admin
        logger.exception("Rendering e-mail %s to %s failed", row.pk, row.to_address)
        return f"Rendering failed: {type(exc).__name__}: {exc}"[:2000]
    # Kept with the outcome below, so a retry sends the very same mail.
    row.fresh_content = {
        "subject": row.subject,
        "body_text": row.body_text,
        "body_html": row.body_html,
        "rendered": True,
    }
    return ""


def build_message(row: OutboundEmail, connection) -> EmailMultiAlternatives:
    if not row.to_address:
        raise PermanentFailure("The recipient has no e-mail address.")
    if not row.body_text:
        raise PermanentFailure("Nothing to send: the mail was never rendered.")
    headers = {
        "Message-ID": row.message_id,
        "Content-Language": row.language,
        # Out-of-office replies and other robots should not answer.
        "Auto-Submitted": "auto-generated",
    }
    if row.in_reply_to:
        headers["In-Reply-To"] = row.in_reply_to
    if row.references:
        headers["References"] = row.references
    # Answers go to a signed address that leads back to the ticket (inbound/);
    # a staff-only kind gets none (`inbound.tokens.replies_by_mail`).
    reply_to = inbound_tokens.notification_reply_to(
        ticket_id=row.ticket_id, user_id=row.recipient_id, kind=row.kind
    )
    if reply_to:
        headers["Reply-To"] = reply_to
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_address],
        headers=headers,
        connection=connection,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, PermanentFailure | BadHeaderError | ValueError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # 5xx for the (single) recipient: the server will never take it.
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return False


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address} refused: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for address, (code, msg) in exc.recipients.items()
        )
    return f"{type(exc).__name__}: {exc}"[:2000]


class _Mine:
    """Update one claimed row, with its freshly rendered content if any."""

    def __init__(self, row, token):
        self.row = row
        self.queryset = OutboundEmail.objects.filter(
            pk=row.pk, status=Status.SENDING, claimed_by=token
        )

    def update(self, **fields):
        fields.update(getattr(self.row, "fresh_content", None) or {})
        return self.queryset.update(**fields)


def _mine(row, token):
    return _Mine(row, token)


def mark_sent(row, token):
    _mine(row, token).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        claimed_at=None,
        claimed_by="",
    )


def mark_failed(row, token, error: str):
    logger.warning("E-mail %s to %s failed: %s", row.pk, row.to_address, error)
    _mine(row, token).update(
        status=Status.FAILED, last_error=error, claimed_at=None, claimed_by=""
    )


def mark_dropped(row, token):
    logger.info("E-mail %s to %s dropped: no longer theirs", row.pk, row.to_address)
    _mine(row, token).update(
        status=Status.DROPPED,
        last_error=DROPPED_REASON,
        claimed_at=None,
        claimed_by="",
    )


def mark_retry(row, token, error: str):
    """Back off, or give up once the attempts are used up."""
    if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        mark_failed(row, token, f"Gave up after {row.attempts} attempts. {error}")
        return
    logger.info("E-mail %s to %s deferred: %s", row.pk, row.to_address, error)
    _mine(row, token).update(
        status=Status.PENDING,
        next_attempt_at=timezone.now() + backoff_delay(row.attempts),
        last_error=error,
        claimed_at=None,
        claimed_by="",
    )


def _close_quietly(connection):
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a broken connection is dropped anyway
        logger.debug("Closing the e-mail connection failed", exc_info=True)


def _drop_unreadable(rows, token) -> list:
    """Mark `dropped` the rows whose recipients may no longer read them.

    Returns the others. The recipient, the ticket and the comment were read
    with the claim, so this is the recipient's access now, not at the change.
    """
    kept = []
    for row in rows:
        if row.incident_id is not None and row.ticket_id is None:
            allowed = may_receive_incident_news(row.recipient)
        else:
            allowed = may_receive(
                row.recipient, ticket=row.ticket, kind=row.kind, comment=row.comment
            )
        if allowed:
            kept.append(row)
        else:
            mark_dropped(row, token)
    return kept


def deliver(rows, *, token: str) -> dict:
    """Send claimed rows over one connection; return counts by outcome."""
    kept = _drop_unreadable(rows, token)
    counts = {"sent": 0, "failed": 0, "deferred": 0, "dropped": len(rows) - len(kept)}
    rows = kept
    connection = None
    for index, row in enumerate(rows):
        if connection is None:
            connection = get_connection(fail_silently=False)
            try:
                connection.open()
            except Exception as exc:  # noqa: BLE001 - the server is unreachable
                for waiting in rows[index:]:
                    mark_retry(waiting, token, _describe(exc))
                counts["deferred"] += len(rows) - index
                return counts
        error = _render(row)
        if error:
            mark_failed(row, token, error)
            counts["failed"] += 1
            continue
        try:
            sent = connection.send_messages([build_message(row, connection)])
            if not sent:
                raise PermanentFailure("The e-mail backend did not accept the mail.")
        except Exception as exc:  # noqa: BLE001 - recorded on the row
            if _is_permanent(exc):
                mark_failed(row, token, _describe(exc))
                counts["failed"] += 1
            else:
                mark_retry(row, token, _describe(exc))
                counts["deferred"] += 1
                # The connection may be broken: start a fresh one for the next.
                _close_quietly(connection)
                connection = None
        else:
            mark_sent(row, token)
            counts["sent"] += 1
    if connection is not None:
        _close_quietly(connection)
    return counts


def process_batch(
    *, token: str | None = None, limit: int | None = None, ids=None, now=None
):
    """Claim and send one batch of mails due at `now`; return counts by outcome."""
    token = token or worker_token()
    limit = limit or settings.NOTIFICATIONS_BATCH_SIZE
    rows = claim(token=token, limit=limit, ids=ids, now=now)
    counts = deliver(rows, token=token)
    counts["claimed"] = len(rows)
    return counts


def send_now(ids) -> None:
    """Try the given rows at once (in-process delivery after commit).

    Never raises: whatever is not sent stays in the outbox for the worker.
    """
    try:
        ids = list(ids)
        while ids:
            batch, ids = ids[:100], ids[100:]
            process_batch(ids=batch, limit=len(batch))
    except Exception:  # noqa: BLE001 - the request must not fail because of mail
        logger.exception("In-process e-mail delivery failed; the worker will retry")


def outbound_retry(queryset) -> int:
    """Put failed (or waiting) mails back in the queue with fresh attempts.

    Rows being sent right now are left alone, so nothing goes twice.
    """
    return queryset.filter(status__in=[Status.FAILED, Status.PENDING]).update(
        status=Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_at=None,
        claimed_by="",
    )


def outbound_mark_failed(queryset, *, reason: str) -> int:
    return queryset.filter(status=Status.PENDING).update(
        status=Status.FAILED, last_error=reason, claimed_at=None, claimed_by=""
    )
