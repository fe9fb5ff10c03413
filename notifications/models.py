"""In-app notifications, the e-mail outbox, preferences and category agents."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TICKET_CREATED = "ticket_created", _("New ticket")
    REPLY_STAFF = "reply_staff", _("Reply from the IT team")
    REPLY_REQUESTER = "reply_requester", _("Reply from the requester")
    INTERNAL_NOTE = "internal_note", _("Internal note")
    ASSIGNED = "assigned", _("Assigned to you")
    STATUS_CHANGED = "status_changed", _("Status changed")
    SLA_WARNING = "sla_warning", _("Due soon")
    SLA_BREACH = "sla_breach", _("Overdue")
    CC_ADDED = "cc_added", _("Added to a ticket (CC)")
    MERGED = "merged", _("Ticket merged")
    INCIDENT_RESOLVED = "incident_resolved", _("Outage resolved")
    SATISFACTION_BAD = "satisfaction_bad", _("Rated “not good”")


# Kinds told to the IT team only, about what the team alone may read: never
# sent to the requester or CCs, only to those who may see internal comments
# (`recipients.may_receive`), and never answerable by mail (a reply by mail is
# public: `inbound.tokens.replies_by_mail`, `inbound.selectors`). Service
# levels and ratings are the team's to read (tickets.policies). A new kind
# must be placed here or not: notifications/tests/test_staff_only_kinds.py
# fails until it is.
STAFF_ONLY_KINDS = frozenset(
    {
        NotificationKind.INTERNAL_NOTE,
        NotificationKind.SLA_WARNING,
        NotificationKind.SLA_BREACH,
        NotificationKind.SATISFACTION_BAD,
    }
)


def is_staff_only(kind: str) -> bool:
    """Whether mails of this kind are for the IT team's eyes only."""
    return kind in STAFF_ONLY_KINDS


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One in-app notification: one recipient, one ticket event."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    # Empty only for news about an outage notice ("나도 같은 문제"): `incident`.
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("ticket"),
    )
    incident = models.ForeignKey(
        "tickets.Incident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outage notice"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Rendered when the event happened, in the recipient's language then
    # (`text`) and in every language of the site (`texts`, code -> text), so
    # the list follows the language the recipient reads now.
    text = models.CharField(_("text"), max_length=500)
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"],
                name="notif_recipient_unread_idx",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def text_in(self, language: str) -> str:
        """The text in `language` (rows written before `texts`: as written)."""
        return self.texts.get(language) or self.text

    @property
    def display_text(self) -> str:
        """The text in the active language (the reader's, on pages)."""
        return self.text_in(translation.get_language())


class QueuedEvent(models.Model):
    """A ticket change whose notifications are still to be written.

    The tickets services write one row per event in the change's own
    transaction (so it commits or rolls back with the change); the worker, or
    the web process right after commit when it sends inline, turns it into the
    in-app notifications and e-mails of every recipient and deletes it, in one
    transaction of its own. The table stays small, so its foreign keys carry
    no indexes beyond the ticket's.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    comment = models.ForeignKey(
        "tickets.Comment",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        db_index=False,
    )
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    # The title when the change happened (the e-mails quote it as it was).
    ticket_title = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("queued ticket event")
        verbose_name_plural = _("queued ticket events")

    def __str__(self):
        return f"{self.kind} on ticket {self.ticket_id}"


class OutboundEmailStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Never sent: the recipient could no longer see what it was about.
    DROPPED = "dropped", _("Dropped")


class OutboundEmailQuerySet(models.QuerySet):
    def due(self, now, lease_expired_before):
        """Rows a worker may claim: pending and due, or stuck in 'sending'."""
        return self.filter(
            Q(status=OutboundEmailStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=OutboundEmailStatus.SENDING, claimed_at__lt=lease_expired_before)
        )


class OutboundEmail(models.Model):
    """One e-mail to one recipient, written in the transaction of the change.

    A worker claims due rows, sends them over SMTP and records the outcome; see
    `notifications.outbox`.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    # Snapshots: the mail goes where and how it was meant when the event happened.
    to_address = models.CharField(_("to"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=8)
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    # Set instead of `ticket` for news about an outage notice.
    incident = models.ForeignKey(
        "tickets.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outage notice"),
    )
    # What the mail is about, recorded with the change; the subject and bodies
    # are rendered from it after commit (worker or in-process sending), so the
    # change's transaction stays short. See docs/notifications.md.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    comment = models.ForeignKey(
        "tickets.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comment"),
    )
    ticket_title = models.CharField(_("title"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    rendered = models.BooleanField(_("rendered"), default=False)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.CharField(_("References"), max_length=1000, blank=True)

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OutboundEmailStatus.choices,
        default=OutboundEmailStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            # Inbound mail names our Message-IDs (`inbound.selectors`).
            models.Index(fields=["message_id"], name="outbox_message_id_idx"),
        ]

    def __str__(self):
        return f"{self.to_address or '-'}: {self.subject}"


class NotificationPreference(models.Model):
    """Which kinds of event a user wants by e-mail. In-app is always on.

    No row means every kind is on.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email_ticket_created = models.BooleanField(_("new tickets"), default=True)
    email_reply_staff = models.BooleanField(_("replies from the IT team"), default=True)
    email_reply_requester = models.BooleanField(
        _("replies from requesters"), default=True
    )
    email_internal_note = models.BooleanField(_("internal notes"), default=True)
    email_assigned = models.BooleanField(_("tickets assigned to me"), default=True)
    email_status_changed = models.BooleanField(_("status changes"), default=True)
    email_sla_warning = models.BooleanField(_("tickets due soon"), default=True)
    email_sla_breach = models.BooleanField(_("overdue tickets"), default=True)
    email_cc_added = models.BooleanField(
        _("being added to someone's ticket (CC)"), default=True
    )
    email_merged = models.BooleanField(
        _("my request merged into another ticket"), default=True
    )
    email_incident_resolved = models.BooleanField(
        _("an outage I reported is fixed"), default=True
    )
    email_satisfaction_bad = models.BooleanField(
        _("a requester rated my work “not good”"), default=True
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

    def wants_email(self, kind: str) -> bool:
        return getattr(self, f"email_{kind}", True)


class CategoryAgent(models.Model):
    """An agent named for a category: new tickets there go to them, not to all."""

    category = models.ForeignKey(
        "tickets.Category",
        on_delete=models.CASCADE,
        related_name="notification_agents",
        verbose_name=_("category"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_categories",
        limit_choices_to={"role__in": ["agent", "admin"]},
        verbose_name=_("agent"),
    )

    class Meta:
        verbose_name = _("category agent")
        verbose_name_plural = _("category agents")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "agent"], name="notif_category_agent_unique"
            ),
        ]

    def __str__(self):
        return f"{self.category}: {self.agent}"
