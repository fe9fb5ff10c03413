"""Scoped reads for lists, search, counts and single tickets.

Views ask these functions rather than building querysets themselves, so the text
search can later move to another index without touching the views.
"""

import re

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.shortcuts import get_object_or_404

from accounts.models import User
from servicedesk.prepared import PreparedRows

from .models import (
    PRIORITY_RANK,
    Category,
    Comment,
    Status,
    Ticket,
    TicketCounter,
    TicketEvent,
)
from .policies import is_staff_member

MAX_SEARCH_TERMS = 8
# Kept for search only, never shown: reads of whole tickets leave them out.
SEARCH_COLUMNS = ("search_text", "search_bigrams")
_REFERENCE = re.compile(r"^(?:sd-?)?0*(\d{1,15})$", re.IGNORECASE)

# `ordering` values the list accepts, each a stable order with the id as the
# last key so that keyset (cursor) pagination never skips or repeats a row.
TICKET_ORDERINGS: dict[str, tuple[str, ...]] = {
    "-updated_at": ("-updated_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "-priority": ("-priority_rank", "-updated_at", "-id"),
    "priority": ("priority_rank", "-updated_at", "-id"),
}
DEFAULT_TICKET_ORDERING = "-updated_at"


def with_priority_rank(queryset: QuerySet) -> QuerySet:
    """Annotate `priority_rank` (0 = low … 3 = urgent) to sort by severity."""
    return queryset.annotate(
        priority_rank=Case(
            *(
                When(priority=code, then=Value(rank))
                for code, rank in PRIORITY_RANK.items()
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def ticket_list(*, user) -> QuerySet:
    """Tickets the user may see, with everything a list row shows joined in.

    The search columns (the upper-cased text, every two-letter piece of it)
    are left in the database: nothing shows them, and they are the widest
    columns of the row.
    """
    queryset = (
        Ticket.objects.visible_to(user)
        .select_related("category", "requester", "assignee")
        .defer(*SEARCH_COLUMNS)
    )
    return with_priority_rank(queryset)


def _keyset_after(keys, values) -> Q:
    """Rows that come strictly after `values` in the order `keys`."""
    condition = Q()
    equal_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        name = key.lstrip("-")
        beyond = "lt" if key.startswith("-") else "gt"
        condition |= equal_so_far & Q(**{f"{name}__{beyond}": value})
        equal_so_far &= Q(**{name: value})
    return condition


# --- List rows ----------------------------------------------------------------------
# The list pages show fifty rows of a ticket, its category and two people: read
# as plain values, they cost a fraction of the model instances (and their
# joined users, passwords and all) that `select_related` would build.


class PersonRow:
    """Who a list row names: enough for `tickets_ui.display_name`."""

    __slots__ = ("pk", "name", "email", "role", "is_active")
    is_agent_or_admin = User.is_agent_or_admin
    __str__ = User.__str__

    def __init__(self, pk, name, email, role, is_active):
        self.pk, self.name, self.email = pk, name, email
        self.role, self.is_active = role, is_active


def staff_rows() -> list[PersonRow]:
    """Agents and admins for the pages' menus, as plain values (one query).

    A change (assign, bulk assign) reads `User`s instead: the services take
    the person themself.
    """
    return [PersonRow(*values) for values in _STAFF_VALUES()]


_STAFF_VALUES = PreparedRows(
    lambda: (
        User.objects.staff().order_by("name", "email").values_list(*PersonRow.__slots__)
    )
)


def viewer_shape(user) -> dict:
    """What `visible_to` asks of a user, as `PreparedRows` shape keywords."""
    if not user.is_authenticated:
        return {"role": None, "active": False}
    return {"role": user.role, "active": user.is_active}


def stand_in_viewer(viewer_id: int, *, role, active) -> User:
    """A stand-in for the viewer with the same answers to `visible_to`."""
    return User(pk=viewer_id, role=role, is_active=active)


class CategoryRow:
    __slots__ = ("slug", "name_ko", "name_en", "pk")
    name = Category.name

    def __init__(self, slug, name_ko, name_en, pk=None):
        self.slug, self.name_ko, self.name_en, self.pk = slug, name_ko, name_en, pk


def category_rows(*, active_only: bool = False) -> list[CategoryRow]:
    """The categories in menu order, as plain values (one query)."""
    return [CategoryRow(*values) for values in _CATEGORY_VALUES(active=active_only)]


def category_list(*, active_only: bool = False) -> QuerySet:
    """The categories in menu order; only those open for new tickets if asked."""
    categories = Category.objects.all()
    return categories.filter(is_active=True) if active_only else categories


_CATEGORY_VALUES = PreparedRows(
    lambda *, active: category_list(active_only=active).values_list(
        "slug", "name_ko", "name_en", "pk"
    )
)


class TicketRow:
    """One ticket of a list page, with its category, requester and assignee."""

    __slots__ = (
        "id",
        "title",
        "status",
        "priority",
        "created_at",
        "updated_at",
        "priority_rank",
        "category",
        "requester",
        "assignee",
    )
    reference = Ticket.reference

    @property
    def pk(self) -> int:
        return self.id


_ROW_FIELDS = (
    "id",
    "title",
    "status",
    "priority",
    "created_at",
    "updated_at",
    "category_id",
    "category__slug",
    "category__name_ko",
    "category__name_en",
    *(
        f"{role}{field}"
        for role in ("requester", "assignee")
        for field in ("_id", "__name", "__email", "__role", "__is_active")
    ),
)


def _ticket_rows(values_of, *, with_rank: bool) -> list[TicketRow]:
    """`TicketRow`s from `_ROW_FIELDS` values; people and categories shared."""
    people: dict[int, PersonRow] = {}
    categories: dict[int, CategoryRow] = {}
    rows = []
    for values in values_of:
        row = TicketRow()
        (row.id, row.title, row.status, row.priority, row.created_at) = values[:5]
        row.updated_at = values[5]
        row.priority_rank = values[20] if with_rank else None
        category_id = values[6]
        row.category = categories.get(category_id) or categories.setdefault(
            category_id, CategoryRow(*values[7:10])
        )
        row.requester = _person(people, values[10:15])
        row.assignee = _person(people, values[15:20])
        rows.append(row)
    return rows


def _rows_of_ids(ids, *, keys: tuple[str, ...], with_rank: bool) -> QuerySet:
    """The list rows of the tickets `ids` (a list, or a subquery), in `keys` order."""
    page = Ticket.objects.filter(pk__in=ids)
    if with_rank:
        page = with_priority_rank(page)
    fields = (*_ROW_FIELDS, "priority_rank") if with_rank else _ROW_FIELDS
    return page.order_by(*keys).values_list(*fields)


# On PostgreSQL the ids are one array parameter, so the rows' SQL (three joins,
# 21 columns) is compiled once per order and stays a prepared statement.
_PAGE_ROWS = PreparedRows(
    lambda ids, **shape: _rows_of_ids(
        RawSQL("SELECT unnest(%s::bigint[])", [ids]), **shape
    ),
    kinds=(list,),
)


def _page_rows(ids: list[int], *, keys, with_rank: bool) -> list[TicketRow]:
    if not ids:
        return []
    if connection.vendor == "postgresql":
        values = _PAGE_ROWS(ids, keys=keys, with_rank=with_rank)
    else:
        values = _rows_of_ids(ids, keys=keys, with_rank=with_rank)
    return _ticket_rows(values, with_rank=with_rank)


def _person(people: dict, values) -> PersonRow | None:
    pk = values[0]
    if pk is None:
        return None
    return people.get(pk) or people.setdefault(pk, PersonRow(*values))


def ticket_keyset_page(
    queryset: QuerySet, *, ordering: str, size: int, position=None, backwards=False
) -> tuple[list[TicketRow], bool]:
    """One page of `queryset` in the order `TICKET_ORDERINGS[ordering]`.

    `position` holds the order keys' values of the row where the previous page
    ended (or, with `backwards`, where the next page began). Each page is one
    range query with a LIMIT, so its cost does not grow with depth. Returns the
    rows (`TicketRow`s) in display order and whether more lie beyond them in
    that direction.
    """
    keys = TICKET_ORDERINGS[ordering]
    with_rank = any(key.lstrip("-") == "priority_rank" for key in keys)
    if with_rank:
        queryset = with_priority_rank(queryset)
    if backwards:
        keys = tuple(key[1:] if key.startswith("-") else f"-{key}" for key in keys)
    queryset = queryset.order_by(*keys)
    if position is not None:
        queryset = queryset.filter(_keyset_after(keys, position))
    # The page's ids are picked from the tickets alone (the filters, the order,
    # the LIMIT), then their rows read with the joins: with the joins in the
    # same query, PostgreSQL may join and sort every matching ticket before
    # the LIMIT (a requester with 6,000 tickets: 18 ms instead of 0.4). The
    # ids query is small to plan, which a search, planned on every run
    # (search_plans.py), needs; the rows' query is the same for every page.
    ids = list(queryset.values_list("pk", flat=True)[: size + 1])
    more = len(ids) > size
    rows = _page_rows(ids[:size], keys=keys, with_rank=with_rank)
    if backwards:
        rows.reverse()
    return rows, more


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)


def ticket_filter(
    queryset: QuerySet,
    *,
    user,
    status: str = "",
    priority: str = "",
    category: str = "",
    assignee: str = "",
    q: str = "",
) -> QuerySet:
    """Narrow a ticket list the way the queue's filters ask.

    `status` is a status, "open" (new, in progress or waiting) or empty for all;
    `assignee` is "me", "none" (unassigned), a user id, or empty for anyone.
    """
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        queryset = queryset.filter(status=status)
    if priority:
        queryset = queryset.filter(priority=priority)
    if category:
        queryset = queryset.filter(category__slug=category)
    if assignee == "me":
        queryset = queryset.filter(assignee=user)
    elif assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee.isdigit():
        queryset = queryset.filter(assignee_id=int(assignee))
    return ticket_search(queryset, q)


def ticket_get(*, user, pk) -> Ticket:
    """One ticket the user may see, or Http404 (also for someone else's ticket).

    Its category and people joined in; not the priority rank, which only
    sorts lists, nor the search columns (see `ticket_list`).
    """
    queryset = (
        Ticket.objects.visible_to(user)
        .select_related("category", "requester", "assignee")
        .defer(*SEARCH_COLUMNS)
    )
    return get_object_or_404(queryset, pk=pk)


def ticket_counts(*, user) -> dict[str, int]:
    """Number of visible tickets per status; every status present, zero or not.

    Staff see every ticket: their counts come from the counters the services
    keep, so a page view never counts the whole table. A requester's own
    tickets are few and indexed by requester: those are counted.
    """
    counts = dict.fromkeys(Status.values, 0)
    if is_staff_member(user):
        return ticket_counts_and_version()[0]
    rows = (
        Ticket.objects.visible_to(user)
        .order_by()
        .values_list("status")
        .annotate(total=Count("id"))
    )
    counts.update(dict(rows))
    return counts


def ticket_counts_and_version() -> tuple[dict[str, int], int]:
    """All tickets per status, and the data version (see `TicketCounter`); 1 query."""
    counts = dict.fromkeys(Status.values, 0)
    version = 0
    for key, value in TicketCounter.objects.values_list("key", "value"):
        if key == "version":
            version = value
        elif key.startswith("status:") and key[7:] in counts:
            counts[key[7:]] = value
    return counts, version


def ticket_data_version() -> int:
    """Grows with every committed ticket change; part of every cache key."""
    row = TicketCounter.objects.filter(key="version").values_list("value").first()
    return row[0] if row else 0


def ticket_data_version_and_unread(*, user) -> tuple[int, int]:
    """The data version and the user's unread notifications (for the badge:
    counted up to BADGE_LIMIT + 1), in one query.

    The pages ask both on every request (the cache key and the navigation
    badge): one round trip instead of two.
    """
    from notifications.services import unread_for_badge

    unread_sql, unread_params = unread_for_badge(user).query.sql_with_params()
    counter = connection.ops.quote_name(TicketCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT value FROM {counter} WHERE key = %s), "
            f"(SELECT COUNT(*) FROM ({unread_sql}) AS unread)",
            ["version", *unread_params],
        )
        version, unread = cursor.fetchone()
    return version or 0, unread


def comment_list(*, user, ticket: Ticket) -> QuerySet:
    """Comments of one ticket the user may see, oldest first."""
    return (
        Comment.objects.visible_to(user)
        .filter(ticket=ticket)
        .select_related("author")
        .order_by("created_at", "id")
    )


def event_list(*, user, ticket: Ticket) -> QuerySet:
    """History of one ticket the user may see, oldest first."""
    return (
        TicketEvent.objects.visible_to(user)
        .filter(ticket=ticket)
        .select_related("actor")
        .order_by("created_at", "id")
    )


class CommentRow:
    """One comment as the ticket page shows it."""

    __slots__ = ("pk", "body", "internal", "created_at", "author_id", "author")


class EventRow:
    """One history entry as the ticket page shows it."""

    __slots__ = (
        "kind",
        "field",
        "old_value",
        "new_value",
        "internal",
        "created_at",
        "actor",
    )


def _person_fields(relation: str) -> tuple[str, ...]:
    return tuple(
        f"{relation}{field}"
        for field in ("_id", "__name", "__email", "__role", "__is_active")
    )


def ticket_reader(list_of, fields: tuple[str, ...]) -> PreparedRows:
    """`list_of(user=…, ticket=…)`'s `fields`, compiled once per viewer role.

    `list_of` is a scoped read of one ticket's rows (it starts from
    `visible_to(user)`); `read_for` runs it for a viewer and a ticket.
    """
    return PreparedRows(
        lambda ticket_id, viewer_id, **shape: list_of(
            user=stand_in_viewer(viewer_id, **shape), ticket=ticket_id
        ).values_list(*fields),
        kinds=(int, int),
    )


def read_for(reader: PreparedRows, *, user, ticket: Ticket) -> list[tuple]:
    return reader(ticket.pk, user.pk or 0, **viewer_shape(user))


_COMMENT_FIELDS = ("id", "body", "internal", "created_at", *_person_fields("author"))
_COMMENT_VALUES = ticket_reader(comment_list, _COMMENT_FIELDS)


def comment_rows(*, user, ticket: Ticket) -> list[CommentRow]:
    """`comment_list` read as plain values (no model instances); one query."""
    people: dict[int, PersonRow] = {}
    rows = []
    for values in read_for(_COMMENT_VALUES, user=user, ticket=ticket):
        row = CommentRow()
        row.pk, row.body, row.internal, row.created_at = values[:4]
        row.author_id = values[4]
        row.author = _person(people, values[4:9])
        rows.append(row)
    return rows


_EVENT_FIELDS = (
    "kind",
    "field",
    "old_value",
    "new_value",
    "internal",
    "created_at",
    *_person_fields("actor"),
)
_EVENT_VALUES = ticket_reader(event_list, _EVENT_FIELDS)


def event_rows(*, user, ticket: Ticket) -> list[EventRow]:
    """`event_list` read as plain values (no model instances); one query."""
    people: dict[int, PersonRow] = {}
    rows = []
    for values in read_for(_EVENT_VALUES, user=user, ticket=ticket):
        row = EventRow()
        row.kind, row.field, row.old_value, row.new_value = values[:4]
        row.internal, row.created_at = values[4:6]
        row.actor = _person(people, values[6:11])
        rows.append(row)
    return rows


# --- Text search ---------------------------------------------------------------


def search_bigrams(*texts: str) -> str:
    """Every two-character piece of every word, upper-cased, space-separated.

    Stored on the ticket so that PostgreSQL can answer two-character terms
    (common in Korean: 메일, 계정) from a GIN index; trigram indexes cannot.
    """
    pieces: set[str] = set()
    for text in texts:
        for word in (text or "").upper().split():
            pieces.update(word[i : i + 2] for i in range(len(word) - 1))
    return " ".join(sorted(pieces))


def _bigram_array():
    # Exactly the expression indexed by migration 0003, or the index is unused.
    return Func(
        F("search_bigrams"),
        Value(" "),
        function="string_to_array",
        output_field=ArrayField(TextField()),
    )


def _term_filter(term: str) -> Q:
    upper = term.upper()
    if connection.vendor == "postgresql" and len(upper) == 2:
        # pg_trgm cannot serve a two-character term: the GIN index on the
        # pieces does (a term has no spaces, so a word holds it exactly when
        # the text does). This test alone, without a LIKE beside it: PostgreSQL
        # would count the two as independent, expect 8 times too few rows and
        # read every match through the index (6 ms) instead of walking the
        # queue's order to the first 51 (1.5 ms at 100k tickets).
        text_match = Q(_bigrams__contains=[upper])
    else:
        # `search_text` is UPPER(title || ' ' || description), stored: only the
        # term is upper-cased per query (by the database, as the column was),
        # and `contains` escapes its %, _ and \ so that they match literally.
        text_match = Q(search_text__contains=Upper(Value(term)))
    reference = _REFERENCE.match(term)
    if reference:
        text_match |= Q(pk=int(reference.group(1)))
    return text_match


def ticket_search(queryset: QuerySet, q: str) -> QuerySet:
    """Narrow `queryset` to tickets matching every word of `q`.

    A word matches a substring of the title or the description (not one
    spanning both), whatever its case, or the reference (`SD-000123`, `sd-123`
    and `123` all find ticket 123).
    """
    terms = (q or "").split()[:MAX_SEARCH_TERMS]
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        queryset = queryset.alias(_bigrams=_bigram_array())
    for term in terms:
        queryset = queryset.filter(_term_filter(term))
    return queryset
