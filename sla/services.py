"""The service-level clocks of a ticket, kept by the ticket services.

`ticket_sla_refresh` is the one place the SLA fields of a ticket are computed;
`tickets.services` calls it when a ticket is created and whenever its status,
priority, category or first response changes (before the row is saved).

Clock rules: both clocks start at creation. The first public reply by staff
meets the first response; so does a resolution (or a close) that comes before
any: the first-response clock stops then, and when it stopped is kept in
`first_answered_at`, never cleared (a reopened ticket's first response stays
answered, on time or late as it was). The resolution clock runs while the ticket is new
or in progress, pauses while waiting (on the requester) and stops when it is
resolved or closed; the working time used so far is kept in
`sla_used_seconds`, so reopening resumes it where it stopped. A priority or
category change recomputes both targets from creation (paused time excluded).

The verdict (`met` or `breached`) is given once, when the clock stops: at the
resolution, or at the close of a ticket closed without being resolved: the
first response by its due time (`first_answered_at`, so a ticket resolved with
no public staff reply before it counts as answered at its resolution, and a
reply after it does not make it later) and the resolution within its target.
The verdict, the
due times and the durations then stay as they are while the ticket stays
resolved or closed: closing it later (by hand or `tickets_auto_close`),
replying to it, or changing its priority or category does not judge it
again. Reopening it (back to new, in progress or waiting) starts the
resolution clock again, and it is judged afresh at its next resolution; its
first response is judged as it was answered, by the first reply or the first
resolution, whichever came first.
"""

import datetime as dt

from django.db.models import F, Q

from tickets.models import SlaState, Status, Ticket

from .calendar import Calendar
from .models import Policy

RUNNING = (Status.NEW, Status.IN_PROGRESS)
STOPPED = (Status.RESOLVED, Status.CLOSED)
VERDICTS = (SlaState.MET, SlaState.BREACHED)
WARNING_SHARE = 0.8  # "warning" once less than 20% of a target is left
# When the watcher told of the warning and the breach (tickets_sla_watch).
MARKERS = {"sla_warned_at", "sla_breached_at"}


Targets = tuple[dt.timedelta, dt.timedelta]


def targets_for(ticket: Ticket) -> Targets | None:
    """(first response, resolution) targets in working time, or None."""
    policy = (
        Policy.objects.filter(priority=ticket.priority)
        .filter(Q(category__isnull=True) | Q(category_id=ticket.category_id))
        .order_by(F("category_id").asc(nulls_last=True))
        .first()
    )
    if policy is None:
        return None
    return (
        dt.timedelta(minutes=policy.first_response_minutes),
        dt.timedelta(minutes=policy.resolution_minutes),
    )


class PolicyTable:
    """Every target in memory: `targets_for` without a query per ticket, for
    recomputing many tickets at once (`ticket_sla_replay`)."""

    def __init__(self):
        self.rows = {
            (policy.priority, policy.category_id): (
                dt.timedelta(minutes=policy.first_response_minutes),
                dt.timedelta(minutes=policy.resolution_minutes),
            )
            for policy in Policy.objects.all()
        }

    def targets_for(self, ticket: Ticket) -> Targets | None:
        return self.rows.get((ticket.priority, ticket.category_id)) or self.rows.get(
            (ticket.priority, None)
        )


def ticket_sla_refresh(
    ticket: Ticket,
    *,
    now: dt.datetime,
    calendar: Calendar | None = None,
    policies: PolicyTable | None = None,
) -> set[str]:
    """Move the clocks to `now` and recompute the SLA fields; returns them.

    A ticket already judged (`is_settled`) keeps its verdict and due times.
    """
    calendar = calendar or Calendar.load()
    durations = ticket_durations_refresh(ticket, calendar=calendar)
    _note_first_answer(ticket, now)
    fields = {
        "first_answered_at",
        "first_response_due_at",
        "resolution_due_at",
        "sla_state",
        "sla_warning_at",
        "sla_used_seconds",
        "sla_resumed_at",
    }
    if is_settled(ticket):
        return fields | MARKERS | durations
    running = ticket.status in RUNNING
    if ticket.sla_resumed_at is not None and not running:
        stopped = max(_stopped_at(ticket, now), ticket.sla_resumed_at)
        used = calendar.working_time_between(ticket.sla_resumed_at, stopped)
        ticket.sla_used_seconds += int(used.total_seconds())
        ticket.sla_resumed_at = None
    elif ticket.sla_resumed_at is None and running:
        ticket.sla_resumed_at = now
    targets = policies.targets_for(ticket) if policies else targets_for(ticket)
    if targets is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
        ticket.sla_warning_at = None
        ticket.sla_state = SlaState.OK
        _reset_markers(ticket, now)
        return fields | MARKERS | durations
    first_target, resolution_target = targets
    start = ticket.created_at or now
    used = dt.timedelta(seconds=ticket.sla_used_seconds)
    ticket.first_response_due_at = calendar.add_working_time(start, first_target)
    warnings = []
    if not _answered(ticket, now):
        warnings.append(calendar.add_working_time(start, first_target * WARNING_SHARE))
    if running:
        resumed = ticket.sla_resumed_at
        ticket.resolution_due_at = calendar.add_working_time(
            resumed, resolution_target - used
        )
        warnings.append(
            calendar.add_working_time(resumed, resolution_target * WARNING_SHARE - used)
        )
    else:
        ticket.resolution_due_at = None
    ticket.sla_warning_at = min(warnings, default=None)
    ticket.sla_state = _stored_state(
        ticket, now=now, used=used, target=resolution_target
    )
    _reset_markers(ticket, now)
    return fields | MARKERS | durations


def is_settled(ticket: Ticket) -> bool:
    """Judged already: resolved or closed, and given its verdict when its
    clock stopped at an earlier change (a resolved ticket being closed, a
    reply to it, a new priority). Nothing moves its SLA fields until it is
    reopened."""
    return (
        ticket.status in STOPPED
        and ticket.sla_resumed_at is None
        and ticket.sla_state in VERDICTS
    )


def _answered(ticket: Ticket, now: dt.datetime) -> bool:
    """The first-response clock stopped by `now` (`first_answered_at`)."""
    return ticket.first_answered_at is not None and ticket.first_answered_at <= now


def _first_answer(ticket: Ticket, now: dt.datetime) -> dt.datetime | None:
    """When the first response was given, as far as `now` knows: the first
    public staff reply, or the moment the clock of a resolved or closed
    ticket stopped if no reply came before it (a reply to a resolved ticket
    comes after its verdict). None while it is unanswered.

    When replaying history, `first_responded_at` may lie after the change
    being replayed: it does not count before it happened.
    """
    reply = ticket.first_responded_at
    if reply is not None and reply > now:
        reply = None
    if ticket.status in STOPPED:
        stopped = _stopped_at(ticket, now)
        return min(reply or stopped, stopped)
    return reply


def _note_first_answer(ticket: Ticket, now: dt.datetime) -> None:
    """Keep the earliest first answer known: set when the first-response
    clock stops, never cleared or moved later (reopening keeps it)."""
    answer = _first_answer(ticket, now)
    if answer is not None and (
        ticket.first_answered_at is None or answer < ticket.first_answered_at
    ):
        ticket.first_answered_at = answer


def _stopped_at(ticket: Ticket, now: dt.datetime) -> dt.datetime:
    """When the clock of a resolved or closed ticket stopped: its resolution,
    or the close of a ticket closed without one, if that came before `now`
    (a resolved ticket closed now, a closed ticket judged later), else `now`.

    Reopening clears `resolved_at` and `closed_at`, so an earlier stop is
    never mistaken for this one; when replaying history they are the last
    resolution and close, never before the change being replayed unless it is
    the stop this change follows.
    """
    stop = ticket.resolved_at
    if stop is None and ticket.status == Status.CLOSED:
        stop = ticket.closed_at
    if stop is not None and stop < now:
        return stop
    return now


DURATIONS = {"first_response_working_seconds", "resolution_working_seconds"}


def ticket_durations_refresh(ticket: Ticket, *, calendar: Calendar) -> set[str]:
    """Working time from creation to the first response and to the resolution.

    Set once each moment is known (`first_responded_at`, `resolved_at`) and
    cleared with it (a reopened ticket has no resolution until it is resolved
    again): the reports take medians and percentiles of these columns in SQL.
    Returns the names of the fields.
    """
    moments = {
        "first_response_working_seconds": ticket.first_responded_at,
        "resolution_working_seconds": ticket.resolved_at,
    }
    for field, moment in moments.items():
        if moment is None or ticket.created_at is None:
            setattr(ticket, field, None)
        elif getattr(ticket, field) is None:
            used = calendar.working_time_between(ticket.created_at, moment)
            setattr(ticket, field, max(0, int(used.total_seconds())))
    return DURATIONS


def ticket_sla_replay(
    ticket: Ticket,
    statuses: list[tuple[dt.datetime, str]],
    *,
    now: dt.datetime,
    calendar: Calendar,
    policies: PolicyTable,
) -> set[str]:
    """Compute the SLA fields afresh from the ticket's status history.

    `statuses` is (when, status) for its creation and each status change,
    oldest first. The clocks start again from nothing and run through the
    history as `ticket_sla_refresh` would have run them at each change, so the
    time spent waiting is left out and a resolved ticket closed later gets the
    verdict of its resolution, as it did live; the targets are the current
    priority's and category's (a change of either recomputes from creation
    anyway). For tickets made before the service levels existed, and after a
    change of the targets or calendar (`manage.py sla_recompute`).

    A ticket judged already (`is_settled`) keeps its verdict and due times, as
    it does live whatever changes after its resolution (a new priority, new
    targets): only its durations are measured again, on the calendar as it is
    now. A ticket resolved or closed with no verdict (loaded without service
    levels) is judged from its history.

    `first_answered_at` is found again from the history either way: the
    first reply or the first resolution or close, whichever came first (for a
    judged ticket, the earliest of them; `ticket_sla_refresh` adds the reply
    and the row's own resolution or close).
    """
    if is_settled(ticket):
        ticket.first_response_working_seconds = None
        ticket.resolution_working_seconds = None
        ticket.first_answered_at = min(
            (when for when, status in statuses if status in STOPPED and when < now),
            default=None,
        )
        return ticket_sla_refresh(ticket, now=now, calendar=calendar, policies=policies)
    current = ticket.status
    ticket.sla_used_seconds = 0
    ticket.sla_resumed_at = None
    ticket.first_answered_at = None
    # No verdict yet: it is given again where the history stops the clock.
    ticket.sla_state = SlaState.OK
    # The reports' durations too, on the calendar as it is now.
    ticket.first_response_working_seconds = None
    ticket.resolution_working_seconds = None
    for when, status in statuses:
        if when >= now:
            break
        ticket.status = status
        ticket_sla_refresh(ticket, now=when, calendar=calendar, policies=policies)
    ticket.status = current
    return ticket_sla_refresh(ticket, now=now, calendar=calendar, policies=policies)


def breach_due_at(ticket: Ticket) -> dt.datetime | None:
    """The earliest running due time: the first response's until it is
    answered (by a reply, or by a resolution before any: `first_answered_at`)."""
    due = [ticket.resolution_due_at]
    if ticket.first_answered_at is None:
        due.append(ticket.first_response_due_at)
    return min((when for when in due if when is not None), default=None)


def _reset_markers(ticket: Ticket, now: dt.datetime) -> None:
    """Forget a warning or breach already told once the clocks move it away
    (a new target, a met first response, a pause): the next one is told."""
    if ticket.sla_warning_at is None or ticket.sla_warning_at > now:
        ticket.sla_warned_at = None
    due = breach_due_at(ticket)
    if due is None or due > now:
        ticket.sla_breached_at = None


def _stored_state(ticket, *, now, used, target) -> str:
    if ticket.status == Status.WAITING:
        return SlaState.PAUSED
    if ticket.status not in RUNNING:
        # Judged when the clock stops; no public reply by then: the
        # resolution (or the close) is the first answer (`_note_first_answer`
        # set it). A reopened ticket keeps its first answer from before.
        responded = ticket.first_answered_at or _stopped_at(ticket, now)
        late = used > target or responded > ticket.first_response_due_at
        return SlaState.BREACHED if late else SlaState.MET
    ticket.sla_state = SlaState.OK
    return sla_state_at(ticket, now)


def sla_state_at(ticket: Ticket, now: dt.datetime) -> str:
    """The state shown at `now`: warning and breached follow the clock."""
    if ticket.sla_state in (SlaState.PAUSED, SlaState.MET, SlaState.BREACHED):
        return ticket.sla_state
    due = breach_due_at(ticket)
    if due is not None and due <= now:
        return SlaState.BREACHED
    if ticket.sla_warning_at is not None and ticket.sla_warning_at <= now:
        return SlaState.WARNING
    return SlaState.OK
