"""Tickets: categories, tickets, comments and the append-only history.

Every change to these rows goes through `tickets.services`; the models only hold
fields, constraints and small derived values.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Concat, Upper
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .querysets import CommentQuerySet, TicketEventQuerySet, TicketQuerySet


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Severity order, used to sort by priority (the codes sort wrongly as text).
PRIORITY_RANK = {
    Priority.LOW: 0,
    Priority.MEDIUM: 1,
    Priority.HIGH: 2,
    Priority.URGENT: 3,
}


class SlaState(models.TextChoices):
    OK = "ok", _("On time")
    WARNING = "warning", _("Due soon")
    BREACHED = "breached", _("Overdue")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")


# Sorts tickets without a running resolution clock after every due time.
SLA_NO_DUE = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    REPLIED = "replied", _("Public reply")
    INTERNAL_NOTE = "internal_note", _("Internal note")
    ASSIGNED = "assigned", _("Assignee changed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    CATEGORY_CHANGED = "category_changed", _("Category changed")
    DETAILS_CHANGED = "details_changed", _("Details changed")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    SLA_BREACHED = "sla_breached", _("Service level breached")


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "slug"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Korean unless English is active)."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        return self.name_en if language.startswith("en") else self.name_ko


class Ticket(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.MEDIUM
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="requested_tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_responded_at = models.DateTimeField(
        _("first responded"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Space-separated two-character pieces of title and description, kept by the
    # services; PostgreSQL answers two-character search terms from an index on it.
    search_bigrams = models.TextField(blank=True, default="", editable=False)
    # What a search term is looked for in, computed by the database on every
    # write: stored upper-cased, so a search upper-cases the term only, not
    # every row it tests; one trigram index on it (migration 0006) serves
    # title, description and location at once.
    search_text = models.GeneratedField(
        expression=Upper(
            Concat(
                "title",
                models.Value(" "),
                "description",
                models.Value(" "),
                "location",
                # Char and text fields: PostgreSQL's Concat must be told.
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    # Service levels (sla.services keeps them; see there for the clock rules).
    first_response_due_at = models.DateTimeField(
        _("first response due"), null=True, blank=True, editable=False
    )
    resolution_due_at = models.DateTimeField(
        _("resolution due"), null=True, blank=True, editable=False
    )
    sla_state = models.CharField(
        _("service level"),
        max_length=16,
        choices=SlaState.choices,
        default=SlaState.OK,
        db_default=SlaState.OK,  # rows loaded without it (the bench seed's COPY)
        editable=False,
    )
    # When less than 20% of a running target is left (the state turns warning).
    sla_warning_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Working time the resolution clock used before it last paused or stopped,
    # and when it last started running (null while paused or stopped).
    sla_used_seconds = models.PositiveIntegerField(
        default=0, db_default=0, editable=False
    )
    sla_resumed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the SLA watcher told the team of the warning and of the breach
    # (`tickets_sla_watch`); cleared when the clocks move back (sla.services).
    sla_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The order "resolution due first": no due time sorts last, not as null
    # (the keyset pagination needs values it can compare).
    sla_due_sort = models.GeneratedField(
        expression=Coalesce("resolution_due_at", models.Value(SLA_NO_DUE)),
        output_field=models.DateTimeField(),
        db_persist=True,
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_idx"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created_idx"),
            models.Index(
                fields=["status", "-updated_at", "-id"], name="ticket_status_idx"
            ),
            models.Index(
                fields=["requester", "-updated_at", "-id"], name="ticket_requester_idx"
            ),
            models.Index(
                fields=["assignee", "status", "-updated_at"], name="ticket_assignee_idx"
            ),
            models.Index(fields=["priority", "status"], name="ticket_priority_idx"),
            # The queue's default view: open tickets, latest activity first.
            models.Index(
                fields=["-updated_at", "-id"],
                condition=models.Q(status__in=["new", "in_progress", "waiting"]),
                name="ticket_open_updated_idx",
            ),
            # The queue sorted by resolution due time, and its SLA filters.
            models.Index(
                fields=["sla_due_sort", "id"],
                condition=models.Q(status__in=["new", "in_progress", "waiting"]),
                name="ticket_open_sla_due_idx",
            ),
            models.Index(
                fields=["sla_state", "resolution_due_at"],
                condition=models.Q(status__in=["new", "in_progress", "waiting"]),
                name="ticket_open_sla_state_idx",
            ),
            # Resolved tickets waiting for the automatic close.
            models.Index(
                fields=["resolved_at"],
                condition=models.Q(status="resolved"),
                name="ticket_resolved_idx",
            ),
        ]
        # PostgreSQL-only search indexes (trigram on `search_text`, bigram) are
        # created by migrations 0003 and 0005 and skipped on other databases.

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """`SD-` and the id, zero-padded to at least six digits."""
        return reference_for(self.pk) if self.pk else ""

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED


def reference_for(pk: int) -> str:
    return f"SD-{pk:06d}"


class TicketCounter(models.Model):
    """Numbers kept by the services in the same transaction as the change.

    `status:<code>` is how many tickets are in that status (the queue's tabs
    read these rather than counting the table); `version` grows with every
    change to any ticket, its comments or its history, so a cache key holding
    it can never serve what was true before a committed change.
    """

    key = models.CharField(primary_key=True, max_length=32)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket counter")
        verbose_name_plural = _("ticket counters")

    def __str__(self):
        return f"{self.key}={self.value}"


class Comment(models.Model):
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="ticket_comments",
    )
    body = models.TextField(_("body"))
    internal = models.BooleanField(
        _("internal note"),
        default=False,
        help_text=_("Internal notes are visible to agents and admins only."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="comment_ticket_idx")
        ]

    def __str__(self):
        return f"{self.ticket_id}#{self.pk}"


class TicketEvent(models.Model):
    """One entry of a ticket's history. Append-only: never edited or deleted."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for automatic changes."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    field = models.CharField(_("field"), max_length=32, blank=True)
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    internal = models.BooleanField(_("internal"), default=False)
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_idx")
        ]

    def __str__(self):
        # Words, not codes: the admin lists the history by this (no query: the id only).
        return f"{reference_for(self.ticket_id)} · {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Ticket history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ticket history is append-only.")
