"""Texts of notifications and e-mails, rendered in the recipient's language."""

import re
import uuid
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from inbound.tokens import inbound_mail_on, replies_by_mail
from tickets import policies
from tickets.models import Status
from tickets.people import display_name
from tickets.satisfaction_links import satisfaction_mail_links

from .models import NotificationKind, is_staff_only

# Control characters (CR, LF, tabs, …) never reach a header or a one-line text.
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(value: str) -> str:
    """Collapse control characters (header injection attempts) into spaces."""
    return " ".join(_CONTROL_CHARS.sub(" ", str(value or "")).split())


def ticket_path(ticket) -> str:
    """The ticket page's path, as the pages' URLconf names it."""
    return reverse("tickets:detail", args=[ticket.pk])


def ticket_url(ticket) -> str:
    """The ticket page's absolute address, for e-mails."""
    return f"{settings.APP_BASE_URL}{ticket_path(ticket)}"


def preferences_url() -> str:
    return f"{settings.APP_BASE_URL}{reverse('notifications:preferences')}"


def mail_domain() -> str:
    """The domain of our Message-IDs: the sender's, else the site's."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2] if "@" in address else ""
    return one_line(domain) or urlsplit(settings.APP_BASE_URL).hostname or "localhost"


def _name(someone, *, recipient) -> str:
    """`someone` as the recipient may see them, on one line (texts and mails)."""
    return one_line(display_name(someone, recipient))


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def headline(*, ticket, kind, actor, recipient, new_value="") -> str:
    """One sentence saying what happened; call inside the recipient's language."""
    ref = ticket.reference
    title = Truncator(one_line(ticket.title)).chars(200)
    who = _name(actor, recipient=recipient)
    if kind == NotificationKind.TICKET_CREATED:
        if recipient.pk == ticket.requester_id:
            return _("We received your request %(ref)s “%(title)s”.") % {
                "ref": ref,
                "title": title,
            }
        requester = _name(ticket.requester, recipient=recipient)
        return _("New ticket %(ref)s “%(title)s” from %(who)s.") % {
            "ref": ref,
            "title": title,
            "who": requester,
        }
    if kind in (NotificationKind.REPLY_STAFF, NotificationKind.REPLY_REQUESTER):
        return _("%(who)s replied to %(ref)s “%(title)s”.") % {
            "who": who,
            "ref": ref,
            "title": title,
        }
    if kind == NotificationKind.INTERNAL_NOTE:
        return _("%(who)s added an internal note to %(ref)s “%(title)s”.") % {
            "who": who,
            "ref": ref,
            "title": title,
        }
    if kind == NotificationKind.ASSIGNED:
        return _("%(who)s assigned %(ref)s “%(title)s” to you.") % {
            "who": who,
            "ref": ref,
            "title": title,
        }
    if kind == NotificationKind.CC_ADDED:
        return _("%(who)s added you to %(ref)s “%(title)s” (CC).") % {
            "who": who,
            "ref": ref,
            "title": title,
        }
    if kind == NotificationKind.MERGED:
        return _merged_headline(ticket, recipient=recipient, title=title)
    if kind == NotificationKind.SATISFACTION_BAD:
        return _("%(who)s rated the resolution of %(ref)s “%(title)s”: not good.") % {
            "who": who,
            "ref": ref,
            "title": title,
        }
    if kind == NotificationKind.SLA_WARNING:
        return _("%(ref)s “%(title)s” is due soon.") % {"ref": ref, "title": title}
    if kind == NotificationKind.SLA_BREACH:
        if new_value == "first_response_due_at":
            return _("%(ref)s “%(title)s” is past its first response target.") % {
                "ref": ref,
                "title": title,
            }
        return _("%(ref)s “%(title)s” is past its resolution target.") % {
            "ref": ref,
            "title": title,
        }
    return _("%(ref)s “%(title)s” is now: %(status)s.") % {
        "ref": ref,
        "title": title,
        "status": _status_label(new_value),
    }


def _merged_headline(ticket, *, recipient, title) -> str:
    """Where a merged request went: the target's reference only to those who
    may see the target (tickets.services.merge explains the choice)."""
    values = {"ref": ticket.reference, "title": title}
    target = ticket.merged_into
    if target is not None and policies.can_view_ticket(recipient, target):
        return _(
            "%(ref)s “%(title)s” was merged into %(target)s; the IT team "
            "continues there."
        ) % {**values, "target": target.reference}
    return (
        _(
            "%(ref)s “%(title)s” was merged into another request and is handled "
            "there under another ticket number; we will keep you informed."
        )
        % values
    )


def _category_name(ticket) -> str:
    category = getattr(ticket, "category", None)
    return one_line(getattr(category, "name", "") or "")


def notification_texts(**event) -> dict[str, str]:
    """The in-app text in every language of the site: {code: text}.

    Stored with the notification, so the list shows the language its reader
    reads when they look, not the one they read when the event happened.
    """
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = Truncator(headline(**event)).chars(500)
    return texts


@dataclass
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str
    message_id: str
    in_reply_to: str
    references: str


def _excerpt(value: str) -> tuple[str, bool]:
    """The text to quote in a mail, cut at the configured length."""
    limit = settings.NOTIFICATIONS_MAX_BODY_CHARS
    value = str(value or "")
    return (value[:limit], len(value) > limit)


def _quoted_text(*, ticket, kind, comment) -> str:
    if kind == NotificationKind.TICKET_CREATED:
        return ticket.description
    if comment is not None:
        return comment.body
    return ""


def _satisfaction_links(*, ticket, kind, recipient, new_value) -> dict[str, str]:
    """The one-click rating links of a "resolved" mail: the requester's only."""
    if kind != NotificationKind.STATUS_CHANGED or new_value != Status.RESOLVED:
        return {}
    return satisfaction_mail_links(ticket=ticket, recipient=recipient)


def render_email(
    *, ticket, kind, actor, recipient, comment=None, new_value="", happened_at=None
) -> RenderedEmail:
    """Subject, both bodies and threading headers of one mail to one recipient.

    `happened_at` is written with the language's DATETIME_FORMAT, as the pages
    and the notification list write a moment.
    """
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        quoted, truncated = _excerpt(
            _quoted_text(ticket=ticket, kind=kind, comment=comment)
        )
        context = {
            "recipient_name": _name(recipient, recipient=recipient),
            "headline": headline(
                ticket=ticket,
                kind=kind,
                actor=actor,
                recipient=recipient,
                new_value=new_value,
            ),
            "kind": kind,
            "reference": ticket.reference,
            "title": one_line(ticket.title),
            "quoted": quoted,
            "truncated": truncated,
            "ticket_url": ticket_url(ticket),
            "preferences_url": preferences_url(),
            "internal": kind == NotificationKind.INTERNAL_NOTE,
            "language": translation.get_language(),
            "category": _category_name(ticket),
            "reply_by_mail": replies_by_mail(kind),
            # Mail to the desk is read, but not this one's answers: say so.
            "staff_only_notice": inbound_mail_on() and is_staff_only(kind),
            "happened_at": happened_at,
            "satisfaction_links": _satisfaction_links(
                ticket=ticket, kind=kind, recipient=recipient, new_value=new_value
            ),
        }
        body_text = render_to_string("notifications/email/notification.txt", context)
        body_html = render_to_string("notifications/email/notification.html", context)
    # One subject for every mail of a ticket (Gmail threads only on equal
    # subjects); what happened is the first line of the body.
    subject = email_subject(ticket, kind, title=ticket.title)
    headers = thread_headers(ticket, kind, domain=mail_domain())
    return RenderedEmail(subject, body_text, body_html, *headers)


def thread_headers(ticket, kind, *, domain: str) -> tuple[str, str, str]:
    """(Message-ID, In-Reply-To, References) of one mail about `ticket`.

    The first mail of a ticket is the thread's root; every later one has its
    own id and refers to the root. Cheap: decided when the row is written.
    """
    root = f"<ticket-{ticket.pk}@{domain}>"
    if kind == NotificationKind.TICKET_CREATED:
        return root, "", ""
    return f"<ticket-{ticket.pk}.{uuid.uuid4().hex}@{domain}>", root, root


def email_subject(ticket, kind, *, title: str) -> str:
    subject = f"[{ticket.reference}] {Truncator(one_line(title)).chars(200)}"
    if kind != NotificationKind.TICKET_CREATED:
        subject = f"Re: {subject}"
    return subject[:300]


# --- Outage notices ("나도 같은 문제": news without a ticket) ---------------------


def incident_headline(*, incident) -> str:
    """One sentence; call inside the recipient's language."""
    title = Truncator(one_line(incident.title)).chars(200)
    return _("The outage “%(title)s” you reported is fixed.") % {"title": title}


def incident_texts(*, incident) -> dict[str, str]:
    """The in-app text in every language of the site (see `notification_texts`)."""
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = Truncator(incident_headline(incident=incident)).chars(500)
    return texts


def incident_subject(incident) -> str:
    return Truncator(one_line(incident.title)).chars(200)[:300]


def incident_message_id(incident, *, domain: str) -> str:
    return f"<incident-{incident.pk}.{uuid.uuid4().hex}@{domain}>"


def _render_incident_outbound(row) -> None:
    """Fill in a queued mail about a resolved outage notice (see render_outbound)."""
    incident, recipient = row.incident, row.recipient
    if recipient is None:
        raise LookupError("The recipient no longer exists.")
    if row.ticket_title:
        incident.title = row.ticket_title
    with translation.override(row.language or settings.LANGUAGE_CODE):
        quoted, truncated = _excerpt(incident.resolution)
        context = {
            "recipient_name": _name(recipient, recipient=recipient),
            "headline": incident_headline(incident=incident),
            "title": one_line(incident.title),
            "quoted": quoted,
            "truncated": truncated,
            "portal_url": f"{settings.APP_BASE_URL}{reverse('home')}",
            "preferences_url": preferences_url(),
            "language": translation.get_language(),
            "happened_at": row.created_at,
        }
        row.subject = incident_subject(incident)
        row.body_text = render_to_string("notifications/email/incident.txt", context)
        row.body_html = render_to_string("notifications/email/incident.html", context)
    row.rendered = True


def render_outbound(row) -> None:
    """Fill in the subject and bodies of a queued `OutboundEmail` (unsaved).

    Rendered after commit, from what the row recorded with the change: the
    recipient's language, the ticket's title at the time, the comment, the new
    value. The row's threading headers stay as written. Raises when it cannot
    be rendered (the outbox records that on the row).
    """
    if row.incident_id is not None and row.ticket_id is None:
        _render_incident_outbound(row)
        return
    ticket, recipient = row.ticket, row.recipient
    if ticket is None:
        raise LookupError("The ticket no longer exists.")
    if recipient is None:
        raise LookupError("The recipient no longer exists.")
    if row.ticket_title:
        ticket.title = row.ticket_title
    recipient.language = row.language
    rendered = render_email(
        ticket=ticket,
        kind=row.kind,
        actor=row.actor,
        recipient=recipient,
        comment=row.comment,
        new_value=row.new_value,
        happened_at=row.created_at,
    )
    row.subject = rendered.subject[:300]
    row.body_text = rendered.body_text
    row.body_html = rendered.body_html
    row.rendered = True
