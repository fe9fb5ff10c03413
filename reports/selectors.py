"""The reports' figures: every one an aggregate in SQL over scoped querysets.

Tickets come from `tickets.selectors.ticket_list(user=…)` (so
`Ticket.objects.visible_to(user)` and the queue's own filters), history from
`TicketEvent.objects.visible_to(user)`. Python only shapes the few rows the
database returns (one per group or per day); it never walks tickets.

Definitions (docs/reports.md says the same for the team lead):

- backlog: tickets as they are now; "open" is new, in progress or waiting;
- created / resolved: tickets created in the period, and tickets whose
  resolution (`resolved_at`) falls in it; a reopened ticket has no resolution
  until it is resolved again;
- first response and resolution times: working time (the SLA calendar's) from
  creation to the first public staff reply, of tickets first answered in the
  period, and to the resolution, of tickets resolved in the period;
- SLA compliance: of the tickets resolved in the period that had targets, the
  share that met them (resolution within its working-time target, paused time
  excluded, and first response by its due time), as the SLA clock judged it
  at the resolution; first responses on time: of the tickets whose
  first-response clock stopped in the period (`first_answered_at`: the first
  public staff reply, or a resolution or close before any) that had a due
  time, the share that stopped by it;
- reopen rate: status changes from resolved or closed back to work in the
  period, per resolution (status change to resolved) in the period;
- satisfaction: the ratings of resolutions made in the period
  (`tickets.selectors.satisfaction_summary`).
"""

import datetime as dt
import time

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from sla.selectors import with_sla_state
from tickets import cache as ticket_cache
from tickets import selectors as ticket_selectors
from tickets.filters import OPEN_STATUSES
from tickets.models import (
    Category,
    EventKind,
    Priority,
    SlaState,
    Status,
    TicketEvent,
)
from tickets.people import display_name

from .aggregates import percentiles
from .forms import FILTERS
from .periods import Period

FRACTIONS = (0.5, 0.9)
TOP = 10
UNASSIGNED = _("Unassigned")
WORK = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)
DONE = (Status.RESOLVED, Status.CLOSED)


def report_tickets(*, user, filters):
    """The tickets a report counts: visible to `user`, narrowed by `filters`.

    Raises ValidationError for a bad filter value (the queue's messages).
    """
    chosen = {name: filters.get(name) for name in FILTERS if filters.get(name)}
    return ticket_selectors.ticket_list(user=user, filters=chosen).order_by()


def report_summary_cached(*, user, period: Period, filters) -> dict:
    """`report_summary`, computed once per data version, viewer and minute.

    The minute as well: "overdue now" moves with the clock (as the queue's
    tabs do). tickets/cache.py: never stale, never shared across viewers.
    """
    minute = int(time.time() // 60)
    chosen = tuple(filters.get(name, "") for name in FILTERS)
    parts = ("reports", period.first, period.last, *chosen, minute)
    return ticket_cache.get_or_compute(
        user,
        parts,
        lambda: report_summary(user=user, period=period, filters=filters),
    )


def report_summary(*, user, period: Period, filters) -> dict:
    """Every figure of the dashboard and the API, as plain data (cacheable)."""
    tickets = report_tickets(user=user, filters=filters)
    narrowed = any(filters.get(name) for name in FILTERS)
    events = TicketEvent.objects.visible_to(user)
    if narrowed:
        events = events.filter(ticket__in=tickets.values("pk"))
    categories = category_labels()
    people = PeopleLabels(viewer=user)
    return {
        "period": {
            "from": period.first,
            "to": period.last,
            "bucket": period.bucket,
        },
        "backlog": backlog(
            tickets,
            people=people,
            categories=categories,
            # Unfiltered, the counters the services keep answer "by status".
            by_status=None if narrowed else ticket_selectors.ticket_counts(user=user),
        ),
        "flow": flow(tickets, period),
        "times": times(tickets, period, people=people, categories=categories),
        "sla": sla_compliance(tickets, period),
        "reopens": reopens(events, period),
        "busiest": busiest(tickets, period, categories=categories),
        "satisfaction": satisfaction_summary(tickets, period),
    }


# --- Backlog now ---------------------------------------------------------------------


def backlog(tickets, *, people, categories: dict, by_status=None) -> dict:
    """Tickets per status, and open tickets per category, priority, assignee."""
    if by_status is None:
        by_status = dict(_counts(tickets, "status"))
    open_tickets = tickets.filter(status__in=OPEN_STATUSES)
    by_category = _counts(open_tickets, "category")
    by_priority = dict(_counts(open_tickets, "priority"))
    by_assignee = _counts(open_tickets, "assignee")
    return {
        "by_status": [
            {"key": code, "label": str(label), "count": by_status.get(code, 0)}
            for code, label in Status.choices
        ],
        "by_category": _labelled(by_category, categories),
        "by_priority": [
            {"key": code, "label": str(label), "count": by_priority.get(code, 0)}
            for code, label in reversed(Priority.choices)
        ],
        "by_assignee": _labelled(
            by_assignee, people.of(key for key, _n in by_assignee)
        ),
        "open": sum(by_status.get(code, 0) for code in OPEN_STATUSES),
    }


def _counts(tickets, field: str, *, limit: int | None = None) -> list[tuple]:
    """(value, count) per value of `field`, largest first: one GROUP BY."""
    rows = tickets.values_list(field).annotate(count=Count("pk"))
    return list(rows.order_by("-count", field)[:limit])


def _labelled(rows, labels: dict) -> list[dict]:
    return [
        {"key": key, "label": str(labels.get(key, "")), "count": count}
        for key, count in rows
    ]


def category_labels() -> dict:
    """Category id -> name in the active language (a short table)."""
    return {category.pk: category.name for category in Category.objects.all()}


class PeopleLabels:
    """Assignee id -> display name (None: unassigned), each person read once."""

    def __init__(self, *, viewer):
        self.viewer = viewer
        self.labels = {None: str(UNASSIGNED)}

    def of(self, ids) -> dict:
        missing = {pk for pk in ids if pk not in self.labels}
        for person in User.objects.filter(pk__in=missing):
            self.labels[person.pk] = display_name(person, self.viewer)
        return self.labels


# --- Created and resolved per day or week --------------------------------------------


def flow(tickets, period: Period) -> list[dict]:
    """Tickets created and resolved per local day (or week), zero days included."""
    trunc = TruncDate if period.bucket == "day" else TruncWeek
    zone = timezone.get_current_timezone()

    def per_bucket(field):
        rows = (
            tickets.filter(
                **{f"{field}__gte": period.start, f"{field}__lt": period.end}
            )
            .annotate(bucket=trunc(field, tzinfo=zone))
            .values_list("bucket")
            .annotate(count=Count("pk"))
        )
        return {_as_date(bucket): count for bucket, count in rows}

    created, resolved = per_bucket("created_at"), per_bucket("resolved_at")
    return [
        {
            "bucket": day,
            "created": created.get(day, 0),
            "resolved": resolved.get(day, 0),
        }
        for day in buckets(period)
    ]


def _as_date(value):
    return timezone.localtime(value).date() if hasattr(value, "hour") else value


def buckets(period: Period) -> list:
    """Each day of the period, or the Monday of each week it touches."""
    if period.bucket == "day":
        return [period.first + dt.timedelta(days=n) for n in range(period.days)]
    monday = period.first - dt.timedelta(days=period.first.weekday())
    weeks = []
    while monday <= period.last:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


# --- First response and resolution times ---------------------------------------------


def times(tickets, period: Period, *, people, categories: dict) -> dict:
    """Median and 90th percentile of the working-time durations, in seconds."""
    answered = tickets.filter(
        first_responded_at__gte=period.start, first_responded_at__lt=period.end
    )
    resolved = tickets.filter(resolved_at__gte=period.start, resolved_at__lt=period.end)
    figures = {}
    for group in (None, "category", "assignee"):
        figures[group] = {
            "first_response": percentiles(
                answered,
                value="first_response_working_seconds",
                group=group,
                fractions=FRACTIONS,
            ),
            "resolution": percentiles(
                resolved,
                value="resolution_working_seconds",
                group=group,
                fractions=FRACTIONS,
            ),
        }
    overall = _time_row(None, "", figures[None])
    by_category = _time_rows(figures["category"], categories)
    agents = figures["assignee"]
    keys = {*agents["first_response"], *agents["resolution"]}
    by_agent = _time_rows(agents, people.of(keys))
    return {"overall": overall, "by_category": by_category, "by_agent": by_agent}


def _time_rows(figures: dict, labels: dict) -> list[dict]:
    keys = {*figures["first_response"], *figures["resolution"]}
    rows = [_time_row(key, labels.get(key, ""), figures) for key in keys]
    return sorted(rows, key=lambda row: (-row["resolved"], row["label"]))


def _time_row(key, label, figures) -> dict:
    first = figures["first_response"].get(key, {})
    resolution = figures["resolution"].get(key, {})
    return {
        "key": key,
        "label": label,
        "answered": first.get("count", 0),
        "first_response_median": _seconds(first.get(0.5)),
        "first_response_p90": _seconds(first.get(0.9)),
        "resolved": resolution.get("count", 0),
        "resolution_median": _seconds(resolution.get(0.5)),
        "resolution_p90": _seconds(resolution.get(0.9)),
    }


def _seconds(value):
    return None if value is None else round(value)


# --- Service levels ------------------------------------------------------------------


def sla_compliance(tickets, period: Period) -> dict:
    """Targets met by the tickets resolved and first answered in the period."""
    resolved = tickets.filter(
        resolved_at__gte=period.start, resolved_at__lt=period.end
    ).aggregate(
        met=Count("pk", filter=Q(sla_state=SlaState.MET)),
        breached=Count("pk", filter=Q(sla_state=SlaState.BREACHED)),
    )
    # The first-response target: when its clock stopped (the first public
    # staff reply, or a resolution or close before any), as the verdict has it.
    answered = tickets.filter(
        first_answered_at__gte=period.start,
        first_answered_at__lt=period.end,
        first_response_due_at__isnull=False,
    ).aggregate(
        total=Count("pk"),
        on_time=Count(
            "pk", filter=Q(first_answered_at__lte=F("first_response_due_at"))
        ),
    )
    overdue = (
        with_sla_state(tickets.filter(status__in=OPEN_STATUSES), now=timezone.now())
        .filter(current_sla_state=SlaState.BREACHED)
        .count()
    )
    with_targets = resolved["met"] + resolved["breached"]
    return {
        "resolved_with_targets": with_targets,
        "met": resolved["met"],
        "breached": resolved["breached"],
        "compliance_percent": _percent(resolved["met"], with_targets),
        "first_responses_with_due": answered["total"],
        "first_responses_on_time": answered["on_time"],
        "first_response_percent": _percent(answered["on_time"], answered["total"]),
        "overdue_now": overdue,
    }


def _percent(part: int, whole: int):
    return None if not whole else round(100 * part / whole, 1)


# --- Reopenings ----------------------------------------------------------------------


def reopens(events, period: Period) -> dict:
    changes = events.filter(
        kind=EventKind.STATUS_CHANGED,
        created_at__gte=period.start,
        created_at__lt=period.end,
    )
    reopening = Q(old_value__in=DONE, new_value__in=WORK)
    figures = changes.aggregate(
        reopens=Count("pk", filter=reopening),
        reopened_tickets=Count("ticket", filter=reopening, distinct=True),
        resolutions=Count("pk", filter=Q(new_value=Status.RESOLVED)),
    )
    figures["rate_percent"] = _percent(figures["reopens"], figures["resolutions"])
    return figures


# --- Where the load is ---------------------------------------------------------------


def busiest(tickets, period: Period, *, categories: dict) -> dict:
    """The categories and locations with the most tickets created in the period."""
    created = tickets.filter(created_at__gte=period.start, created_at__lt=period.end)
    by_category = _counts(created, "category")  # every ticket has one: the total
    locations = _counts(created.exclude(location=""), "location", limit=TOP)
    return {
        "total": sum(count for _category, count in by_category),
        "categories": _labelled(by_category[:TOP], categories),
        "locations": [
            {"key": place, "label": place, "count": count} for place, count in locations
        ],
    }


# --- Satisfaction ----------------------------------------------------------------------


def satisfaction_summary(tickets, period: Period) -> dict:
    """How the resolutions made in the period were rated (tickets' CSAT)."""
    return ticket_selectors.satisfaction_summary(
        tickets=tickets, start=period.start, end=period.end
    )
