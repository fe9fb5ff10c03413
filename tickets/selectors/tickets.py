"""Scoped reads of tickets: lists, single tickets, counts, menus.

Every read starts from `Ticket.objects.visible_to(user)`; the views and the API
ask these functions rather than building querysets themselves.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import is_staff_member

from .. import filters as ticket_filters
from ..models import PRIORITY_RANK, Category, Incident, Status, Ticket, TicketCounter
from ..pagination import Page, paginate
from .incidents import TICKET_INCIDENT_FIELDS
from .links import with_merged_into_seen
from .search import SEARCH_COLUMNS

ROW_RELATIONS = ("category", "requester", "assignee")


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


def ticket_filterset(
    *, user, filters, menus: dict | None = None
) -> ticket_filters.TicketFilter:
    """The list's FilterSet over the tickets `user` may see."""
    return ticket_filters.TicketFilter(
        filters,
        queryset=with_priority_rank(Ticket.objects.visible_to(user)),
        user=user,
        menus=menus,
    )


def ticket_list(*, user, filters=None) -> QuerySet:
    """Tickets `user` may see, narrowed by `filters` (query parameters).

    Raises ValidationError with the filters' errors for a bad value.
    """
    filterset = ticket_filterset(user=user, filters=filters or {})
    return filterset_tickets(filterset)


def filterset_tickets(filterset: ticket_filters.TicketFilter) -> QuerySet:
    """The filtered tickets of a bound FilterSet, or ValidationError."""
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def ticket_total(filterset: ticket_filters.TicketFilter, *, status_counts) -> int:
    """How many tickets a (valid) FilterSet matches, cheaply.

    Staff filtering by status alone get the sum of the counters the services
    keep (`status_counts`, from `ticket_counts`): no count of a 100,000-row
    table. Any other filter (a search, an assignee …) is one COUNT of the
    filtered tickets, served by the same indexes as the list.
    """
    tickets = filterset_tickets(filterset)
    others = {
        name: value
        for name, value in filterset.form.cleaned_data.items()
        if name != "status"
    }
    if is_staff_member(filterset.user) and not any(others.values()):
        statuses = ticket_filters.statuses_of(filterset.form.cleaned_data["status"])
        return sum(status_counts[status] for status in statuses)
    return tickets.order_by().count()


def _page_rows(ids, keys, *, tags: bool = False, viewer=None) -> QuerySet:
    """The list rows of `ids`, in `keys` order, people joined, tags if asked,
    each marked with whether `viewer` (if given) may see its merge target,
    and (for that list, the API's) with its outage notice: one query for the
    page if any row is linked to one, none if none is.

    Not exported: it does not scope by viewer, so its only caller is
    `ticket_page`, whose ids come from a `ticket_list` (visible_to) queryset.
    """
    rows = Ticket.objects.filter(pk__in=ids)
    if viewer is not None:
        rows = with_merged_into_seen(rows, user=viewer).prefetch_related(
            Prefetch("incident", Incident.objects.only(*TICKET_INCIDENT_FIELDS))
        )
    rows = (
        with_priority_rank(rows)
        .select_related(*ROW_RELATIONS)
        .defer(*SEARCH_COLUMNS)
        .order_by(*keys)
    )
    # Tags are internal: read (one query for the page) only for staff lists.
    return rows.prefetch_related("tags") if tags else rows


def ticket_page(
    queryset: QuerySet,
    *,
    ordering=None,
    size: int,
    cursor=None,
    tags: bool = False,
    viewer=None,
) -> Page:
    """One keyset page of a `ticket_list` queryset, rows with their people.

    `tags=True` (staff lists only) reads the rows' tags too, in one query.
    `viewer`: a list that shows where merged rows went (the API) marks, in the
    rows' own query, whether this user may see each target.
    """
    return paginate(
        queryset,
        rows_of=partial(_page_rows, tags=tags, viewer=viewer),
        ordering=ordering,
        size=size,
        cursor=cursor,
    )


def ticket_get(*, user, pk) -> Ticket:
    """One ticket the user may see, or Http404 (also for someone else's ticket)."""
    queryset = (
        Ticket.objects.visible_to(user)
        .select_related(*ROW_RELATIONS)
        .defer(*SEARCH_COLUMNS)
    )
    return get_object_or_404(queryset, pk=pk)


def ticket_find(*, user, pk) -> Ticket | None:
    """Like `ticket_get`, None instead of Http404 (e.g. a follow-up's source)."""
    return Ticket.objects.visible_to(user).filter(pk=pk).first()


def requester_recent_tickets(*, user, ticket: Ticket, limit: int = 5) -> QuerySet:
    """The requester's other tickets `user` may see, latest activity first.

    Lazy, a few columns: the staff ticket page's side panel lists them inside
    its cached fragment (the requester index serves the order).
    """
    return (
        Ticket.objects.visible_to(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .order_by("-updated_at", "-id")
        .only("pk", "title", "status", "updated_at")[:limit]
    )


def tickets_by_ids(*, user, ids) -> QuerySet:
    """The tickets among `ids` that `user` may see (bulk changes)."""
    return Ticket.objects.visible_to(user).filter(pk__in=ids).order_by("pk")


def ticket_counts(*, user) -> dict[str, int]:
    """Number of visible tickets per status; every status present, zero or not.

    Staff see every ticket: their counts come from the counters the services
    keep, so a page view never counts the whole table. A requester's own
    tickets are few and indexed by requester: those are counted.
    """
    counts = dict.fromkeys(Status.values, 0)
    if is_staff_member(user):
        rows = TicketCounter.objects.filter(key__startswith="status:")
        for key, value in rows.values_list("key", "value"):
            if key[7:] in counts:
                counts[key[7:]] = value
        return counts
    rows = (
        Ticket.objects.visible_to(user)
        .order_by()
        .values_list("status")
        .annotate(total=Count("id"))
    )
    counts.update(dict(rows))
    return counts


def ticket_data_version() -> int:
    """Grows with every committed change a cached answer may show."""
    row = TicketCounter.objects.filter(key="version").values_list("value").first()
    return row[0] if row else 0


def staff_list() -> QuerySet:
    """Agents and admins, for the assignee menus."""
    return User.objects.staff().order_by("name", "email")


def category_list(*, active_only: bool = False) -> QuerySet:
    """The categories in menu order; only those open for new tickets if asked."""
    categories = Category.objects.all()
    return categories.filter(is_active=True) if active_only else categories
