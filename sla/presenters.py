"""The service level as the staff pages show it (no markup: the templates'
job). Requesters never get these: the views ask only for staff."""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tickets.models import SlaState

from .calendar import Calendar
from .services import breach_due_at, sla_state_at


def remaining_text(left: dt.timedelta) -> str:
    """Working time left, short: "2시간 남음" / "2 h left"; under an hour in minutes."""
    minutes = max(int(left.total_seconds() // 60), 0)
    if minutes < 60:
        return ngettext("%(n)d min left", "%(n)d min left", minutes) % {"n": minutes}
    hours = minutes // 60
    return ngettext("%(n)d h left", "%(n)d h left", hours) % {"n": hours}


def due_display(ticket, *, now: dt.datetime, calendar: Calendar | None) -> dict:
    """State, the next due time and a short text for one ticket at `now`.

    `calendar` is needed only when a due time is still ahead (the working
    time left is counted on it).
    """
    state = sla_state_at(ticket, now)
    due = breach_due_at(ticket) if state in (SlaState.OK, SlaState.WARNING) else None
    if state == SlaState.BREACHED:
        text = _("Overdue")
    elif due is not None and calendar is not None:
        text = remaining_text(calendar.working_time_between(now, due))
    elif due is None and state == SlaState.OK:
        text = ""  # no target for this ticket
    else:
        text = SlaState(state).label
    return {
        "state": state,
        "label": SlaState(state).label,
        "due": due or ticket.resolution_due_at,
        "text": str(text),
        "breached": state == SlaState.BREACHED,
    }


def with_due_display(tickets, *, now: dt.datetime) -> list:
    """Set `sla` (see `due_display`) on each ticket of a page; the calendar is
    read (three small queries) only when some due time is still ahead."""
    tickets = list(tickets)
    ahead = any(
        sla_state_at(ticket, now) in (SlaState.OK, SlaState.WARNING)
        for ticket in tickets
    )
    calendar = Calendar.load() if ahead else None
    for ticket in tickets:
        ticket.sla = due_display(ticket, now=now, calendar=calendar)
    return tickets


def ticket_due_display(ticket, *, now: dt.datetime) -> dict:
    """The ticket page's side panel: `due_display` plus both targets."""
    ahead = sla_state_at(ticket, now) in (SlaState.OK, SlaState.WARNING)
    shown = due_display(ticket, now=now, calendar=Calendar.load() if ahead else None)
    shown["first_response_due_at"] = ticket.first_response_due_at
    # Answered by a reply or by a resolution before any (kept when reopened).
    shown["first_answered_at"] = ticket.first_answered_at
    shown["resolution_due_at"] = ticket.resolution_due_at
    return shown
