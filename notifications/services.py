"""Notifications: who is told what when a ticket changes (see DESIGN.md).

Every write of this app lives here. The tickets services call
`notify_ticket_event` inside their transaction, so what it queues commits (or
rolls back) with the change itself.
"""

from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.roles import is_staff_member

from . import outbox
from .models import (
    Notification,
    NotificationKind,
    NotificationPreference,
    OutboundEmail,
    OutboundEmailStatus,
    QueuedEvent,
)
from .recipients import event_recipients
from .rendering import (
    email_subject,
    incident_message_id,
    incident_subject,
    incident_texts,
    mail_domain,
    notification_texts,
    one_line,
    thread_headers,
)
from .selectors import preference_get


def notify_ticket_event(
    *, ticket, kind: str, actor, comment=None, old_value: str = "", new_value: str = ""
) -> None:
    """Queue the notifications of one ticket change (in-app and e-mail).

    Called by the tickets services inside their transaction. `kind` is one of
    "ticket_created", "reply_staff", "reply_requester", "internal_note",
    "assigned", "status_changed".

    With `NOTIFICATIONS_FANOUT` "queued" (the default) the change writes one
    `QueuedEvent` row, whatever the number of recipients; the worker (or, when
    mail is sent inline, this process right after commit) fans it out with
    `fan_out_queued`. With "inline" the recipients' rows are written here, in
    the change's transaction (`fan_out`).
    """
    if settings.NOTIFICATIONS_FANOUT == "inline":
        ids = fan_out(
            ticket=ticket,
            kind=kind,
            actor=actor,
            comment=comment,
            old_value=old_value,
            new_value=new_value,
        )
        if settings.NOTIFICATIONS_SEND_INLINE and ids:
            transaction.on_commit(partial(outbox.send_now, ids), robust=True)
        return
    event = QueuedEvent.objects.create(
        ticket=ticket,
        kind=NotificationKind(kind),
        actor=actor,
        comment=comment,
        old_value=str(old_value or "")[:200],
        new_value=str(new_value or "")[:200],
        ticket_title=Truncator(one_line(ticket.title)).chars(200),
    )
    if settings.NOTIFICATIONS_SEND_INLINE:
        transaction.on_commit(partial(_fan_out_and_send, event.pk), robust=True)


def _fan_out_and_send(event_id: int) -> None:
    ids = fan_out_queued(ids=[event_id])
    if ids:
        outbox.send_now(ids)


def fan_out_backlog(*, batch_size: int = 50) -> int:
    """Fan out every queued event, a batch per transaction; return how many."""
    total = 0
    while True:
        done, _ids = _fan_out_batch(limit=batch_size)
        total += done
        if done < batch_size:
            return total


def fan_out_queued(*, limit: int = 50, ids=None) -> list[int]:
    """Fan out up to `limit` queued events; return the ids of their e-mails."""
    return _fan_out_batch(limit=limit, ids=ids)[1]


def _fan_out_batch(*, limit: int, ids=None) -> tuple[int, list[int]]:
    """Fan out up to `limit` queued events, oldest first.

    One transaction: the events are locked (`SKIP LOCKED`, so several workers
    share the queue), turned into notifications and e-mails, and deleted; an
    event is fanned out exactly once. Recipients and their preferences are
    read now; the title is the one the change saw.
    """
    with transaction.atomic():
        queued = (
            QueuedEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "ticket__requester", "ticket__assignee", "ticket__category", "actor"
            )
            .order_by("id")
        )
        if ids is not None:
            queued = queued.filter(pk__in=ids)
        events = list(queued[:limit])
        email_ids = []
        for event in events:
            ticket = event.ticket
            ticket.title = event.ticket_title  # as it was (in memory only)
            email_ids += fan_out(
                ticket=ticket,
                kind=event.kind,
                actor=event.actor,
                comment=event.comment,
                old_value=event.old_value,
                new_value=event.new_value,
            )
        if events:
            QueuedEvent.objects.filter(pk__in=[event.pk for event in events]).delete()
    return len(events), email_ids


def fan_out(
    *, ticket, kind: str, actor, comment=None, old_value: str = "", new_value: str = ""
) -> list[int]:
    """Write the in-app notifications and queued e-mails of one ticket event.

    Returns the ids of the e-mails to send. A problem with one recipient's
    e-mail is recorded on that e-mail and never raised.

    The cost does not grow in queries with the number of recipients: one read
    of the recipients, one of their preferences, one INSERT of the in-app
    notifications and one of the e-mails. The e-mails are written unrendered
    (who, in which language, about what, with their threading headers); the
    outbox renders each one just before sending it.
    """
    kind = NotificationKind(kind)
    if comment is not None and comment.internal:
        # Whatever the caller said, an internal comment is an internal note.
        kind = NotificationKind.INTERNAL_NOTE
    recipients = event_recipients(
        ticket=ticket, kind=kind, actor=actor, new_value=new_value
    )
    if not recipients:
        return []
    headlines = _HeadlineCache(
        ticket=ticket, kind=kind, actor=actor, new_value=new_value
    )
    Notification.objects.bulk_create(
        _notification(user, headlines.get(user), ticket=ticket, kind=kind, actor=actor)
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
    if not wanted:
        return []
    title = Truncator(one_line(ticket.title)).chars(200)
    subject = email_subject(ticket, kind, title=title)
    domain = mail_domain()
    emails = [
        _outbound_email(
            user,
            ticket=ticket,
            kind=kind,
            actor=actor,
            comment=comment,
            new_value=new_value,
            title=title,
            subject=subject,
            domain=domain,
        )
        for user in wanted
    ]
    created = OutboundEmail.objects.bulk_create(emails)
    return [row.pk for row in created if row.status == OutboundEmailStatus.PENDING]


def notify_incident_resolved(*, incident, actor, users) -> list[int]:
    """Tell the people who pressed "나도 같은 문제" that the outage is fixed.

    Called by `tickets.services.incidents` inside the resolving transaction:
    an in-app notification each (no ticket: the notice) and an e-mail to
    those who want it, sent after commit like every other. Returns the ids
    of the e-mails. A few queries, whatever the number of people.
    """
    kind = NotificationKind.INCIDENT_RESOLVED
    users = [user for user in users if user.is_active]
    if not users:
        return []
    texts = incident_texts(incident=incident)
    Notification.objects.bulk_create(
        _notification(user, texts, incident=incident, kind=kind, actor=actor)
        for user in users
    )
    preferences = {
        preference.user_id: preference
        for preference in NotificationPreference.objects.filter(user__in=users)
    }
    domain = mail_domain()
    created = OutboundEmail.objects.bulk_create(
        _incident_email(user, incident=incident, actor=actor, domain=domain)
        for user in users
        if user.pk not in preferences or preferences[user.pk].wants_email(kind)
    )
    ids = [row.pk for row in created if row.status == OutboundEmailStatus.PENDING]
    if settings.NOTIFICATIONS_SEND_INLINE and ids:
        transaction.on_commit(partial(outbox.send_now, ids), robust=True)
    return ids


def _incident_email(user, *, incident, actor, domain) -> OutboundEmail:
    address = (user.email or "").strip()
    row = OutboundEmail(
        recipient=user,
        to_address=address[:254],
        language=user.language or settings.LANGUAGE_CODE,
        kind=NotificationKind.INCIDENT_RESOLVED,
        incident=incident,
        actor=actor,
        ticket_title=Truncator(one_line(incident.title)).chars(200),
        subject=incident_subject(incident),
        message_id=incident_message_id(incident, domain=domain),
    )
    problem = _address_problem(address)
    if problem:
        row.status = OutboundEmailStatus.FAILED
        row.last_error = problem
    return row


def _notification(user, texts, **event) -> Notification:
    language = user.language or settings.LANGUAGE_CODE
    text = texts.get(language) or texts[settings.LANGUAGE_CODE]
    return Notification(recipient=user, text=text, texts=texts, **event)


class _HeadlineCache:
    """In-app texts of one event (every language), rendered once per kind of reader.

    The sentence depends only on who the reader is relative to the event (the
    requester, the actor, staff or not), so 20 agents share one rendering.
    """

    def __init__(self, **event):
        self.event = event
        self.texts = {}

    def get(self, user) -> dict[str, str]:
        ticket, actor = self.event["ticket"], self.event["actor"]
        key = (
            user.pk == ticket.requester_id,
            actor is not None and user.pk == actor.pk,
            is_staff_member(user),
        )
        if self.event["kind"] == NotificationKind.MERGED:
            # Whether the reader sees the target ticket is their own (CCs).
            key += (user.pk,)
        if key not in self.texts:
            self.texts[key] = notification_texts(recipient=user, **self.event)
        return self.texts[key]


def _address_problem(address: str) -> str:
    if not address:
        return "The recipient has no e-mail address."
    try:
        validate_email(address)
    except ValidationError:
        return f"Invalid e-mail address: {one_line(address)[:200]!r}"
    return ""


def _outbound_email(
    user, *, ticket, kind, actor, comment, new_value, title, subject, domain
):
    """One unrendered outbox row; an undeliverable one is recorded as failed at once."""
    address = (user.email or "").strip()
    message_id, in_reply_to, references = thread_headers(ticket, kind, domain=domain)
    row = OutboundEmail(
        recipient=user,
        to_address=address[:254],
        language=user.language or settings.LANGUAGE_CODE,
        kind=kind,
        ticket=ticket,
        actor=actor,
        comment=comment,
        ticket_title=title,
        new_value=str(new_value or "")[:200],
        subject=subject,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
    )
    problem = _address_problem(address)
    if problem:
        row.status = OutboundEmailStatus.FAILED
        row.last_error = problem
    return row


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
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; return how many."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
