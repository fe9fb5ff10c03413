"""Automatic work on tickets (run by workers or cron): the close of resolved
tickets, the service-level warnings and the service levels' recompute."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import NotificationKind
from sla.calendar import Calendar
from sla.services import (
    DURATIONS,
    MARKERS,
    RUNNING,
    PolicyTable,
    breach_due_at,
    sla_state_at,
    ticket_sla_replay,
)

from ..models import EventKind, SlaState, Status, Ticket, TicketEvent
from . import counters
from ._common import apply_status, notify, record, save


def tickets_auto_close(*, now=None, days: int | None = None) -> list[Ticket]:
    """Close tickets resolved at least `days` (AUTO_CLOSE_DAYS) ago.

    A trusted path: no user, no policy check; the history shows no actor.
    Each ticket is closed in its own transaction, skipping rows another
    process holds, so several workers can run it at once.
    """
    now = now or timezone.now()
    days = settings.AUTO_CLOSE_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    due = Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
    closed = []
    for pk in due.order_by("resolved_at").values_list("pk", flat=True):
        with transaction.atomic(), counters.deferred():
            counters.touch()
            ticket = due.select_for_update(skip_locked=True).filter(pk=pk).first()
            if ticket is None:
                continue
            changed = apply_status(ticket, to=Status.CLOSED, by=None, now=now)
            closed.append(save(ticket, changed))
    return closed


def _sla_due(now) -> Q:
    """Running tickets with a warning or a breach not told yet."""
    breached = Q(resolution_due_at__lte=now) | Q(
        first_answered_at__isnull=True, first_response_due_at__lte=now
    )
    return Q(status__in=RUNNING) & (
        Q(sla_warned_at__isnull=True, sla_warning_at__lte=now)
        | (Q(sla_breached_at__isnull=True) & breached)
    )


def tickets_sla_watch(*, now=None, batch_size: int = 100) -> dict[str, int]:
    """Tell the team, once, of each ticket that is due soon or overdue.

    A ticket entering `warning` gets an `sla_warning` notification; one past a
    due time (first response or resolution) gets an `sla_breach` notification
    and an internal history entry. The markers `sla_warned_at` and
    `sla_breached_at` make it idempotent (sla.services clears them when the
    clocks move back). Rows are locked with SKIP LOCKED, a batch per
    transaction, so several watchers may run at once. Returns the counts.
    """
    now = now or timezone.now()
    counts = {"warned": 0, "breached": 0}
    while True:
        with transaction.atomic(), counters.deferred():
            tickets = list(
                Ticket.objects.filter(_sla_due(now))
                .select_for_update(skip_locked=True, of=("self",))
                .defer("search_text")
                .select_related("assignee", "category", "requester")
                .order_by("sla_due_sort", "id")[:batch_size]
            )
            for ticket in tickets:
                _sla_tell(ticket, now=now, counts=counts)
        if len(tickets) < batch_size:
            return counts


def _sla_tell(ticket: Ticket, *, now, counts) -> None:
    due = breach_due_at(ticket)
    if due is not None and due <= now and ticket.sla_breached_at is None:
        # A breach says everything a warning would: none is sent after it.
        ticket.sla_breached_at = now
        ticket.sla_warned_at = ticket.sla_warned_at or now
        which = (
            "resolution_due_at"
            if due == ticket.resolution_due_at
            else "first_response_due_at"
        )
        counters.touch()
        record(
            ticket,
            kind=EventKind.SLA_BREACHED,
            by=None,
            field=which,
            new=due.isoformat(),
            internal=True,
        )
        notify(ticket, kind=NotificationKind.SLA_BREACH, by=None, new=which)
        counts["breached"] += 1
    else:
        ticket.sla_warned_at = now
        notify(ticket, kind=NotificationKind.SLA_WARNING, by=None)
        counts["warned"] += 1
    # Markers only: neither the version nor `updated_at` moves (not an edit).
    Ticket.objects.filter(pk=ticket.pk).update(
        sla_warned_at=ticket.sla_warned_at, sla_breached_at=ticket.sla_breached_at
    )


def tickets_sla_recompute(
    *, now=None, batch_size: int = 1000, open_only: bool = False, tell: bool = False
) -> dict[str, int]:
    """Compute every ticket's service-level fields afresh from its history.

    For tickets made before the service levels existed (or loaded without
    them, like the benchmark's seed) and after the calendar or the targets
    change. Each batch is one transaction that locks its tickets, so a change
    made meanwhile through the services is neither lost nor overwritten. The
    data version moves with every batch that changed anything. Warnings and
    breaches that are already past are marked as told unless `tell` is set, so
    the SLA watcher does not send a notice for every old ticket. Idempotent.
    Returns how many tickets were read and changed.
    """
    now = now or timezone.now()
    calendar, policies = Calendar.load(), PolicyTable()
    tickets = Ticket.objects.order_by("pk")
    if open_only:
        tickets = tickets.filter(status__in=[*RUNNING, Status.WAITING])
    fields = [
        "first_answered_at",
        "first_response_due_at",
        "resolution_due_at",
        "sla_state",
        "sla_warning_at",
        "sla_used_seconds",
        "sla_resumed_at",
        *sorted(MARKERS),
        *sorted(DURATIONS),
    ]
    counts = {"read": 0, "changed": 0}
    last = 0
    while True:
        with transaction.atomic(), counters.deferred():
            batch = list(
                tickets.filter(pk__gt=last)
                .select_for_update(of=("self",))
                .only(
                    "pk",
                    "status",
                    "priority",
                    "category_id",
                    "created_at",
                    "first_responded_at",
                    "resolved_at",
                    "closed_at",
                    *fields,
                )[:batch_size]
            )
            if not batch:
                return counts
            last = batch[-1].pk
            history = _status_history([ticket.pk for ticket in batch])
            changed = []
            for ticket in batch:
                before = [getattr(ticket, name) for name in fields]
                ticket_sla_replay(
                    ticket,
                    history[ticket.pk],
                    now=now,
                    calendar=calendar,
                    policies=policies,
                )
                if not tell:
                    _mark_told(ticket, now)
                if [getattr(ticket, name) for name in fields] != before:
                    changed.append(ticket)
            for ticket in changed:
                # One plain UPDATE a row: bulk_update's CASE per field and row
                # costs far more to build than these do to run.
                Ticket.objects.filter(pk=ticket.pk).update(
                    **{name: getattr(ticket, name) for name in fields}
                )
            if changed:
                counters.touch()
            counts["read"] += len(batch)
            counts["changed"] += len(changed)


def _status_history(ticket_ids) -> dict[int, list]:
    """(when, status) of each ticket's creation and status changes, in order."""
    history = defaultdict(list)
    rows = (
        TicketEvent.objects.filter(ticket_id__in=ticket_ids)
        .filter(
            Q(kind=EventKind.CREATED) | Q(kind=EventKind.STATUS_CHANGED, field="status")
        )
        .order_by("ticket_id", "created_at", "pk")
        .values_list("ticket_id", "created_at", "new_value")
    )
    for ticket_id, when, status in rows:
        history[ticket_id].append((when, status or Status.NEW))
    return history


def _mark_told(ticket: Ticket, now) -> None:
    """A warning or breach already past when recomputed counts as told."""
    state = sla_state_at(ticket, now) if ticket.status in RUNNING else None
    if state == SlaState.BREACHED:
        ticket.sla_breached_at = ticket.sla_breached_at or now
        ticket.sla_warned_at = ticket.sla_warned_at or now
    elif state == SlaState.WARNING:
        ticket.sla_warned_at = ticket.sla_warned_at or now
