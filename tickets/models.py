"""Tickets: categories, tickets, comments and the append-only history.

Every change to these rows goes through `tickets.services`; the models only hold
fields, constraints and small derived values.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce, Concat, Greatest, Least, Upper
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .querysets import (
    CannedReplyQuerySet,
    CommentQuerySet,
    TicketCCQuerySet,
    TicketEventQuerySet,
    TicketQuerySet,
)


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
    # Merges and links (tickets.services.merge, tickets.services.links).
    MERGED_INTO = "merged_into", _("Merged into another ticket")
    MERGED_FROM = "merged_from", _("Ticket merged in")
    LINK_ADDED = "link_added", _("Link added")
    LINK_REMOVED = "link_removed", _("Link removed")
    CC_ADDED = "cc_added", _("CC added")
    CC_REMOVED = "cc_removed", _("CC removed")
    TAGS_CHANGED = "tags_changed", _("Tags changed")
    # Outage notices (tickets.services.incidents); the value is the notice's title.
    INCIDENT_LINKED = "incident_linked", _("Linked to an outage notice")
    INCIDENT_UNLINKED = "incident_unlinked", _("Unlinked from an outage notice")


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


class Tag(models.Model):
    """A staff-only label on tickets ("반복문의", "VPN"); never shown to requesters.

    A model of our own with a plain many-to-many on `Ticket`, not django-taggit:
    taggit's generic relation puts a content-type join (and a text object id
    join) into every `?tag=` filter over 100,000 tickets; here the filter is
    one indexed lookup of the tag's id in `tickets_ticket_tags` (indexed on
    both columns by Django). Names are kept normalised by the services
    (`tickets.services.tags`), and unique whatever their case.
    """

    MAX_LENGTH = 50

    name = models.CharField(_("name"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            # `name__iexact` compares UPPER(name): the same index serves it.
            models.UniqueConstraint(Upper("name"), name="tag_name_ci_unique"),
        ]

    def __str__(self):
        return self.name


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
    # When the first-response clock stopped: the first public staff reply, or
    # the resolution (or close) that came before any. Set by sla.services
    # when it stops and kept through reopenings: the target, once fulfilled,
    # stays fulfilled (`first_responded_at` stays the first reply itself).
    first_answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Working time (the SLA calendar's) from creation to the first public staff
    # reply and to the resolution, set by sla.services when they happen: the
    # reports take medians and percentiles of them in SQL.
    first_response_working_seconds = models.PositiveIntegerField(
        _("first response (working seconds)"), null=True, blank=True, editable=False
    )
    resolution_working_seconds = models.PositiveIntegerField(
        _("resolution (working seconds)"), null=True, blank=True, editable=False
    )
    # The order "resolution due first": no due time sorts last, not as null
    # (the keyset pagination needs values it can compare).
    sla_due_sort = models.GeneratedField(
        expression=Coalesce("resolution_due_at", models.Value(SLA_NO_DUE)),
        output_field=models.DateTimeField(),
        db_persist=True,
    )

    # Set when staff merged this ticket into another (tickets.services.merge),
    # which closed it; a merged ticket is never merged again.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_tickets",
    )

    # Staff-only labels (Tag); changed through tickets.services.tags only.
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), related_name="tickets", blank=True
    )

    # The outage notice this ticket was reported under (tickets.services.incidents);
    # a ticket belongs to at most one.
    incident = models.ForeignKey(
        "Incident",
        verbose_name=_("outage notice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="tickets",
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_idx"),
            # The queue sorted by age; the reports' tickets created in a period
            # read the columns they group by from the index alone.
            models.Index(
                fields=["-created_at", "-id"],
                include=["category", "priority", "assignee", "location"],
                name="ticket_created_idx",
            ),
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
            # The queue's SLA tabs; the reports' backlog and "overdue now" read
            # the open tickets from this index alone.
            models.Index(
                fields=["sla_state", "resolution_due_at"],
                include=[
                    "id",
                    "category",
                    "priority",
                    "assignee",
                    "first_answered_at",
                    "first_response_due_at",
                    "sla_warning_at",
                ],
                condition=models.Q(status__in=["new", "in_progress", "waiting"]),
                name="ticket_open_sla_state_idx",
            ),
            # Resolved tickets waiting for the automatic close.
            models.Index(
                fields=["resolved_at"],
                condition=models.Q(status="resolved"),
                name="ticket_resolved_idx",
            ),
            # The reports: resolutions and first responses in a period, with
            # what they are grouped, counted and measured by: index-only scans,
            # so a term's figures never read the wide ticket rows. (Counts are
            # COUNT(id): the id is in every index the reports read.)
            models.Index(
                fields=["resolved_at"],
                include=[
                    "id",
                    "resolution_working_seconds",
                    "sla_state",
                    "category",
                    "priority",
                    "assignee",
                ],
                condition=models.Q(resolved_at__isnull=False),
                name="ticket_resolved_at_idx",
            ),
            models.Index(
                fields=["first_responded_at"],
                include=[
                    "id",
                    "first_response_working_seconds",
                    "category",
                    "priority",
                    "assignee",
                ],
                condition=models.Q(first_responded_at__isnull=False),
                name="ticket_first_responded_idx",
            ),
            # The first-response target met or missed in a period: when its
            # clock stopped, against its due time.
            models.Index(
                fields=["first_answered_at"],
                include=[
                    "id",
                    "first_response_due_at",
                    "category",
                    "priority",
                    "assignee",
                ],
                condition=models.Q(first_answered_at__isnull=False),
                name="ticket_first_answered_idx",
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

    @property
    def merged_into_reference(self) -> str:
        """The reference of the ticket this one was merged into (no query)."""
        return reference_for(self.merged_into_id) if self.merged_into_id else ""


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
            models.Index(fields=["ticket", "created_at"], name="event_ticket_idx"),
            # The reports count resolutions and reopenings in a period.
            models.Index(
                fields=["created_at"],
                include=["id", "ticket", "old_value", "new_value"],
                condition=models.Q(kind="status_changed"),
                name="event_status_changed_idx",
            ),
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


class TicketCC(models.Model):
    """Someone the requester (or staff) copied on a ticket.

    A CC'd user is treated like the requester for this ticket only
    (DESIGN.md, "Permission matrix"); `Ticket.objects.visible_to` reads these
    rows, so deleting one takes the access away on the next request.
    """

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="cc",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="ticket_ccs",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = TicketCCQuerySet.as_manager()

    class Meta:
        verbose_name = _("CC")
        verbose_name_plural = _("CCs")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="ticket_cc_unique")
        ]
        indexes = [
            # "Tickets I am CC'd on" (visible_to); the unique constraint's
            # index serves a ticket's own list.
            models.Index(fields=["user", "ticket"], name="ticket_cc_user_idx")
        ]

    def __str__(self):
        return f"{reference_for(self.ticket_id)} cc {self.user_id}"


class TicketFollower(models.Model):
    """A staff member who asked to be told of a ticket's changes."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="followers",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="followed_tickets",
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "user"], name="ticket_follower_unique"
            )
        ]
        indexes = [
            models.Index(fields=["user", "ticket"], name="ticket_follower_user_idx")
        ]

    def __str__(self):
        return f"{reference_for(self.ticket_id)} followed by {self.user_id}"


class SavedView(models.Model):
    """A queue filter saved under a name: the owner's own, or shared with the team.

    `query` is the queue's query string as the queue's filter form normalises
    it (`tickets.services.saved_views`), so equal filters are equal text.
    """

    MAX_QUERY_LENGTH = 1000

    name = models.CharField(_("name"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    shared = models.BooleanField(
        _("shared with the team"),
        default=False,
        help_text=_("Shared views show as tabs for every agent and admin."),
    )
    query = models.CharField(_("filters"), max_length=MAX_QUERY_LENGTH, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="saved_view_owner_name_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["position", "id"],
                condition=models.Q(shared=True),
                name="saved_view_shared_idx",
            ),
        ]

    def __str__(self):
        return self.name


class CannedReplyLanguage(models.TextChoices):
    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")
    ANY = "any", _("Any language")


class CannedReply(models.Model):
    """A reply text agents insert into the reply form (`tickets.services.canned`).

    Shared ones (no owner) are kept by the admins in the Django admin; personal
    ones belong to one agent and only they see and edit them. `{{ requester_name }}`,
    `{{ ticket_reference }}` and `{{ agent_name }}` in the body are filled in
    when it is inserted.
    """

    MAX_BODY_LENGTH = 5000

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(
        _("body"),
        max_length=MAX_BODY_LENGTH,  # the admin's textarea
        validators=[MaxLengthValidator(MAX_BODY_LENGTH)],
        help_text=_(
            "{{ requester_name }}, {{ ticket_reference }} and {{ agent_name }} "
            "are filled in when the reply is inserted."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=3,
        choices=CannedReplyLanguage.choices,
        default=CannedReplyLanguage.ANY,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        help_text=_("Empty for a reply shared by the whole IT team."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CannedReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["owner", "title"], name="canned_owner_idx")]

    def __str__(self):
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class LinkKind(models.TextChoices):
    RELATED = "related", _("Related")
    DUPLICATE = "duplicate", _("Duplicate")


class TicketLink(models.Model):
    """A staff-only link between two tickets, shown on both (symmetric).

    At most one link per pair of tickets, whichever way round it was made
    (the database enforces it). Changed through `tickets.services.links`; a
    merge makes a `duplicate` link from the merged ticket to its target.
    """

    from_ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("from ticket"),
        on_delete=models.CASCADE,
        related_name="links_from",
    )
    to_ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("to ticket"),
        on_delete=models.CASCADE,
        related_name="links_to",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=LinkKind.choices, default=LinkKind.RELATED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                Least("from_ticket", "to_ticket"),
                Greatest("from_ticket", "to_ticket"),
                name="ticket_link_pair_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_ticket=models.F("to_ticket")),
                name="ticket_link_not_self",
            ),
        ]

    def __str__(self):
        return (
            f"{reference_for(self.from_ticket_id)} {self.get_kind_display()} "
            f"{reference_for(self.to_ticket_id)}"
        )

    def other(self, ticket: Ticket) -> Ticket:
        """The ticket at the other end, seen from `ticket`."""
        return self.to_ticket if self.from_ticket_id == ticket.pk else self.from_ticket


class Satisfaction(models.TextChoices):
    GOOD = "good", pgettext_lazy("satisfaction", "Good")
    BAD = "bad", pgettext_lazy("satisfaction", "Not good")


class SatisfactionRating(models.Model):
    """The requester's rating of one resolution of their ticket (CSAT).

    A resolution is known by the ticket's `resolved_at` when it was rated: a
    second rating of the same resolution replaces the first, a rating after the
    ticket was reopened and resolved again is a new row. Written by
    `tickets.services.satisfaction` only.
    """

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="satisfaction_ratings",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    resolved_at = models.DateTimeField(
        pgettext_lazy("satisfaction", "resolution"),
        help_text=_("When the rated resolution happened."),
    )
    rating = models.CharField(
        pgettext_lazy("satisfaction", "rating"),
        max_length=8,
        choices=Satisfaction.choices,
    )
    comment = models.TextField(pgettext_lazy("satisfaction", "comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-resolved_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "resolved_at"],
                name="satisfaction_one_per_resolution",
            )
        ]
        indexes = [
            # The reports: ratings of the resolutions in a period.
            models.Index(fields=["resolved_at"], name="satisfaction_resolved_idx")
        ]

    def __str__(self):
        return f"{reference_for(self.ticket_id)} · {self.get_rating_display()}"

    @property
    def is_good(self) -> bool:
        return self.rating == Satisfaction.GOOD


# --- Outage notices ---------------------------------------------------------------


class IncidentStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    RESOLVED = "resolved", _("Resolved")


OPEN_INCIDENT_STATUSES = (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED)


class Incident(models.Model):
    """An outage notice ("학내 와이파이 장애"): public while open, tickets linked.

    Changed through `tickets.services.incidents` only; resolving it answers and
    resolves every linked ticket through the ticket services.
    """

    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("public message"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    locations = models.CharField(_("buildings"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=IncidentStatus.choices,
        default=IncidentStatus.INVESTIGATING,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("resolution message"), blank=True)

    class Meta:
        verbose_name = _("outage notice")
        verbose_name_plural = _("outage notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=~models.Q(status="resolved"),
                name="incident_open_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tickets:incident_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.RESOLVED


class IncidentSubscriber(models.Model):
    """A requester who pressed "나도 같은 문제": counted, and told when it is fixed."""

    incident = models.ForeignKey(
        Incident,
        verbose_name=_("outage notice"),
        on_delete=models.CASCADE,
        related_name="subscribers",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("affected user")
        verbose_name_plural = _("affected users")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "user"], name="incident_subscriber_unique"
            ),
        ]

    def __str__(self):
        return f"{self.incident_id}: {self.user_id}"
