"""Notifications: who is told what when a ticket changes (see DESIGN.md).

Every write of this app lives here. The tickets services call
`notify_ticket_event` inside their transaction, so the in-app notifications and
the queued e-mails commit (or roll back) with the change itself.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from . import outbox
from .models import (
    Notification,
    NotificationKind,
    NotificationPreference,
    OutboundEmail,
    OutboundEmailStatus,
)
from .recipients import event_recipients
from .rendering import new_message_id, notification_text, one_line, render_email

logger = logging.getLogger(__name__)


def notify_ticket_event(
    *, ticket, kind: str, actor, comment=None, old_value: str = "", new_value: str = ""
) -> None:
    """Record in-app notifications and queued e-mails for one ticket change.

    Called by the tickets services inside their transaction. `kind` is one of
    "ticket_created", "reply_staff", "reply_requester", "internal_note",
    "assigned", "status_changed". A problem with one recipient's e-mail is
    recorded on that e-mail and never raised, so it cannot undo the change.
    """
    kind = NotificationKind(kind)
    if comment is not None and comment.internal:
        # Whatever the caller said, an internal comment is an internal note.
        kind = NotificationKind.INTERNAL_NOTE
    recipients = event_recipients(
        ticket=ticket, kind=kind, actor=actor, new_value=new_value
    )
    if not recipients:
        return
    event = {"ticket": ticket, "kind": kind, "actor": actor, "new_value": new_value}
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            ticket=ticket,
            actor=actor,
            text=notification_text(recipient=user, **event),
        )
        for user in recipients
    )
    preferences = {
        preference.user_id: preference
        for preference in NotificationPreference.objects.filter(user__in=recipients)
    }
    wanted = [
        user
        for user in recipients
        if user.pk not in preferences or preferences[user.pk].wants_email(kind)
    ]
    emails = [_outbound_email(user, comment=comment, **event) for user in wanted]
    created = OutboundEmail.objects.bulk_create(emails)
    if settings.NOTIFICATIONS_SEND_INLINE:
        ids = [row.pk for row in created if row.status == OutboundEmailStatus.PENDING]
        if ids:
            transaction.on_commit(partial(outbox.send_now, ids), robust=True)


def _address_problem(address: str) -> str:
    if not address:
        return "The recipient has no e-mail address."
    try:
        validate_email(address)
    except ValidationError:
        return f"Invalid e-mail address: {one_line(address)[:200]!r}"
    return ""


def _outbound_email(user, *, ticket, kind, actor, comment, new_value):
    """One outbox row; an undeliverable one is recorded as failed at once."""
    address = (user.email or "").strip()
    row = OutboundEmail(
        recipient=user,
        to_address=address[:254],
        language=user.language or settings.LANGUAGE_CODE,
        kind=kind,
        ticket=ticket,
    )
    try:
        rendered = render_email(
            ticket=ticket,
            kind=kind,
            actor=actor,
            recipient=user,
            comment=comment,
            new_value=new_value,
        )
    except Exception as exc:  # noqa: BLE001 - recorded, visible in the admin
        logger.exception("Rendering the e-mail for %s failed", address)
        row.subject = f"[{ticket.reference}]"
        row.body_text = ""
        row.message_id = new_message_id(ticket)
        row.status = OutboundEmailStatus.FAILED
        row.last_error = f"Rendering failed: {type(exc).__name__}: {exc}"[:2000]
        return row
    row.subject = rendered.subject[:300]
    row.body_text = rendered.body_text
    row.body_html = rendered.body_html
    row.message_id = rendered.message_id
    row.in_reply_to = rendered.in_reply_to
    row.references = rendered.references
    problem = _address_problem(address)
    if problem:
        row.status = OutboundEmailStatus.FAILED
        row.last_error = problem
    return row


def preference_get(*, user) -> NotificationPreference:
    """The user's preferences, unsaved defaults when they never chose."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


@transaction.atomic
def preference_update(*, user, **choices) -> NotificationPreference:
    """Turn e-mail on or off per kind of event (`email_<kind>=bool`)."""
    preference = preference_get(user=user)
    allowed = {f"email_{kind}" for kind in NotificationKind.values}
    for field, value in choices.items():
        if field not in allowed:
            raise ValidationError({field: "Unknown preference."}, code="invalid")
        setattr(preference, field, bool(value))
    preference.save()
    return preference


def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of the user's notifications read (again: a no-op)."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied("Not your notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; return how many."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def unread_count(*, user) -> int:
    return Notification.objects.for_user(user).unread().count()
