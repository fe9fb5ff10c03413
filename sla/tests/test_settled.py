"""The verdict is given at the resolution: closing the ticket later (by hand
or by the auto-close), replying to it or recomputing it does not judge it
again; reopening it does, at its next resolution."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.periods import Period
from reports.selectors import sla_compliance
from sla.selectors import with_sla_state
from sla.services import breach_due_at, sla_state_at
from tickets import services
from tickets.models import EventKind, Priority, SlaState, Status, Ticket, TicketEvent

from .conftest import forget_sla, seoul

pytestmark = pytest.mark.django_db

FIELDS = [
    "sla_state",
    "first_answered_at",
    "first_response_due_at",
    "resolution_due_at",
    "sla_warning_at",
    "sla_used_seconds",
    "sla_resumed_at",
    "first_response_working_seconds",
    "resolution_working_seconds",
]
MONDAY = Period(dt.date(2026, 11, 30), dt.date(2026, 11, 30))


def stored(ticket) -> dict:
    return dict(
        zip(
            FIELDS,
            Ticket.objects.values_list(*FIELDS).get(pk=ticket.pk),
            strict=True,
        )
    )


def recompute(*args) -> str:
    call_command("sla_recompute", *args, stdout=(out := io.StringIO()))
    return out.getvalue()


def monday_compliance():
    return sla_compliance(Ticket.objects.all(), MONDAY)


def state_now(ticket) -> str:
    """The state shown now, from Python and from SQL (they must agree)."""
    now = timezone.now()
    ticket = Ticket.objects.get(pk=ticket.pk)
    shown = sla_state_at(ticket, now)
    annotated = with_sla_state(Ticket.objects.filter(pk=ticket.pk), now=now).get()
    assert annotated.current_sla_state == shown
    return shown


@pytest.fixture
def resolved(frozen, agent, network):
    """The reviewer's case: an urgent ticket (first response due in 1 working
    hour, resolution in 4) opened Monday 30 November 2026 10:00 in Seoul and
    resolved by a status change at 10:30, with no public reply."""
    frozen(seoul(2026, 11, 30, 10))
    ticket = services.ticket_create(
        by=agent, title="계정 잠김", category=network, priority=Priority.URGENT
    )
    frozen(seoul(2026, 11, 30, 10, 30))
    ticket = services.ticket_status_change(
        ticket=ticket, status=Status.RESOLVED, by=agent
    )
    assert ticket.sla_state == SlaState.MET
    assert ticket.first_responded_at is None
    # The resolution answered it: the first-response clock stopped at 10:30.
    assert ticket.first_answered_at == seoul(2026, 11, 30, 10, 30)
    return ticket


def test_closing_by_hand_the_next_day_keeps_the_verdict(resolved, agent, frozen):
    at_resolution = stored(resolved)
    assert at_resolution["sla_used_seconds"] == 30 * 60
    assert at_resolution["resolution_working_seconds"] == 30 * 60
    assert at_resolution["first_response_due_at"] == seoul(2026, 11, 30, 11)
    frozen(seoul(2026, 12, 1, 10))  # the first response "due" long past
    ticket = services.ticket_close(ticket=resolved, by=agent)
    assert ticket.status == Status.CLOSED
    assert ticket.sla_state == SlaState.MET
    assert stored(ticket) == at_resolution
    assert monday_compliance()["compliance_percent"] == 100.0


def test_the_auto_close_a_week_later_keeps_the_verdict(resolved, frozen):
    at_resolution = stored(resolved)
    before = monday_compliance()
    assert (before["met"], before["breached"]) == (1, 0)
    later = frozen(seoul(2026, 12, 7, 10, 31))
    assert [t.pk for t in services.tickets_auto_close(now=later, days=7)] == [
        resolved.pk
    ]
    assert Ticket.objects.get(pk=resolved.pk).status == Status.CLOSED
    assert stored(resolved) == at_resolution
    # Last period's figure does not move.
    assert monday_compliance() == before


def test_a_breached_verdict_stays_breached(frozen, agent, network):
    frozen(seoul(2026, 11, 30, 10))
    ticket = services.ticket_create(
        by=agent, title="서버", category=network, priority=Priority.URGENT
    )
    frozen(seoul(2026, 11, 30, 15))  # 5 working hours: past the 4 allowed
    ticket = services.ticket_status_change(
        ticket=ticket, status=Status.RESOLVED, by=agent
    )
    assert ticket.sla_state == SlaState.BREACHED
    at_resolution = stored(ticket)
    frozen(seoul(2026, 12, 1, 9))
    ticket = services.ticket_close(ticket=ticket, by=agent)
    assert stored(ticket) == at_resolution


def test_a_reply_or_a_new_priority_after_the_resolution_does_not_judge_again(
    resolved, agent, frozen, network
):
    at_resolution = stored(resolved)
    frozen(seoul(2026, 12, 1, 10))
    ticket = services.ticket_reply(
        ticket=resolved, by=agent, body="확인했습니다."
    ).ticket
    assert ticket.status == Status.RESOLVED
    # The reply is the first public one: the reports' first-response time
    # counts it, but it comes after the resolution that answered the ticket.
    assert ticket.first_responded_at == seoul(2026, 12, 1, 10)
    after_reply = stored(ticket)
    assert after_reply["first_response_working_seconds"] == 9 * 3600
    assert after_reply == {
        **at_resolution,
        "first_response_working_seconds": 9 * 3600,
    }
    # The history replayed judges it the same way.
    assert recompute() == "1 tickets read, 0 changed\n"
    ticket = services.ticket_update(ticket=ticket, by=agent, priority=Priority.LOW)
    assert stored(ticket) == after_reply
    frozen(seoul(2026, 12, 1, 11))
    ticket = services.ticket_close(ticket=ticket, by=agent)
    assert stored(ticket) == after_reply


@pytest.mark.parametrize("close", ["by_hand", "auto"])
def test_replaying_a_resolved_then_closed_ticket_gives_the_live_verdict(
    resolved, agent, frozen, close
):
    later = frozen(seoul(2026, 12, 7, 10, 31))
    if close == "by_hand":
        services.ticket_close(ticket=resolved, by=agent)
    else:
        services.tickets_auto_close(now=later, days=7)
    live = stored(resolved)
    assert live["sla_state"] == SlaState.MET
    # Recomputing the live fields changes nothing…
    assert recompute() == "1 tickets read, 0 changed\n"
    # …and a ticket that never had them gets the same from its history.
    forget_sla(resolved)
    frozen(seoul(2026, 12, 20, 10))
    assert recompute() == "1 tickets read, 1 changed\n"
    assert stored(resolved) == live


def test_a_closed_ticket_without_its_resolution_event_is_judged_at_its_resolution(
    resolved, agent, frozen
):
    """Loaded from elsewhere: the history says created, the row says closed
    after a resolution; the clock stopped at `resolved_at`, not today."""
    frozen(seoul(2026, 12, 1, 10))
    services.ticket_close(ticket=resolved, by=agent)
    live = stored(resolved)
    TicketEvent.objects.filter(ticket=resolved, kind=EventKind.STATUS_CHANGED).delete()
    forget_sla(resolved)
    frozen(seoul(2026, 12, 20, 10))
    recompute()
    assert stored(resolved) == live


def test_reopening_after_the_close_restarts_the_clock(resolved, agent, frozen):
    """The reopened ticket is judged again at its next resolution, the working
    time before the first one counted (30 minutes). Its first response stays
    answered by the first resolution (10:30, by the 11:00 due time): while it
    is open again only the resolution clock runs, so the state shown is not
    breached although 11:00 is past, and the next resolution is judged on the
    resolution time alone (late here: 4.5 working hours)."""
    frozen(seoul(2026, 11, 30, 11))
    closed = services.ticket_close(ticket=resolved, by=agent)
    assert closed.sla_state == SlaState.MET
    frozen(seoul(2026, 11, 30, 12))
    ticket = services.ticket_reopen(ticket=closed, by=agent)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.sla_state == SlaState.OK
    assert state_now(ticket) == SlaState.OK
    assert ticket.first_answered_at == seoul(2026, 11, 30, 10, 30)
    assert ticket.first_responded_at is None
    assert breach_due_at(ticket) == ticket.resolution_due_at
    assert ticket.resolution_working_seconds is None
    # 4 hours - 30 minutes used, from 12:00.
    assert ticket.resolution_due_at == seoul(2026, 11, 30, 15, 30)
    assert ticket.sla_resumed_at == seoul(2026, 11, 30, 12)
    frozen(seoul(2026, 11, 30, 16))  # 4.5 working hours used: late this time
    ticket = services.ticket_status_change(
        ticket=ticket, status=Status.RESOLVED, by=agent
    )
    assert ticket.sla_state == SlaState.BREACHED
    assert ticket.sla_used_seconds == 4 * 3600 + 30 * 60
    assert ticket.resolution_working_seconds == 6 * 3600
    assert ticket.first_answered_at == seoul(2026, 11, 30, 10, 30)
    live = stored(ticket)
    frozen(seoul(2026, 12, 1, 9))
    services.ticket_close(ticket=ticket, by=agent)
    assert stored(ticket) == live
    forget_sla(ticket)
    recompute()
    assert stored(ticket) == live


def test_a_reopened_ticket_resolved_in_time_is_met_again(
    frozen, agent, requester, network
):
    """Medium (first response 9 working hours, resolution 45): resolved with no
    reply, reopened by the requester's reply, answered and resolved again."""
    frozen(seoul(2026, 11, 30, 10))
    ticket = services.ticket_create(
        by=requester, title="프린터", category=network, priority=Priority.MEDIUM
    )
    frozen(seoul(2026, 11, 30, 10, 30))
    ticket = services.ticket_status_change(
        ticket=ticket, status=Status.RESOLVED, by=agent
    )
    frozen(seoul(2026, 11, 30, 11))
    ticket = services.ticket_reply(
        ticket=ticket, by=requester, body="아직 안 돼요"
    ).ticket
    assert ticket.status == Status.IN_PROGRESS
    frozen(seoul(2026, 11, 30, 13))
    services.ticket_reply(ticket=ticket, by=agent, body="다시 설치했습니다.")
    frozen(seoul(2026, 11, 30, 14))
    ticket = services.ticket_status_change(
        ticket=Ticket.objects.get(pk=ticket.pk), status=Status.RESOLVED, by=agent
    )
    assert ticket.sla_state == SlaState.MET
    assert ticket.sla_used_seconds == 30 * 60 + 3 * 3600
    live = stored(ticket)
    frozen(seoul(2026, 12, 7, 14, 1))
    services.tickets_auto_close()
    assert stored(ticket) == live
    forget_sla(ticket)
    recompute()
    assert stored(ticket) == live


def test_the_watcher_leaves_resolved_and_closed_tickets_alone(
    resolved, agent, frozen, network
):
    frozen(seoul(2026, 11, 30, 10))
    other = services.ticket_create(
        by=agent, title="메일", category=network, priority=Priority.URGENT
    )
    frozen(seoul(2026, 11, 30, 10, 30))
    services.ticket_status_change(ticket=other, status=Status.RESOLVED, by=agent)
    frozen(seoul(2026, 11, 30, 10, 45))
    services.ticket_close(ticket=other, by=agent)
    frozen(seoul(2026, 12, 2, 10))  # both first responses "due" long ago
    assert services.tickets_sla_watch() == {"warned": 0, "breached": 0}
    call_command("sla_watch", "--once", verbosity=0)
    assert not TicketEvent.objects.filter(kind=EventKind.SLA_BREACHED).exists()
    states = Ticket.objects.order_by("pk").values_list("status", "sla_state")
    assert list(states) == [
        (Status.RESOLVED, SlaState.MET),
        (Status.CLOSED, SlaState.MET),
    ]
    assert monday_compliance()["compliance_percent"] == 100.0


def test_resolved_on_a_seoul_monday_still_sunday_in_utc(frozen, agent, network):
    """Opened Sunday 23:30 and resolved Monday 00:10 in Seoul (Sunday 15:10
    UTC): no working time used, met, and counted on Monday; the auto-close a
    week later (Sunday in UTC again) leaves Monday's figure alone."""
    frozen(seoul(2026, 11, 29, 23, 30))
    ticket = services.ticket_create(
        by=agent, title="VPN", category=network, priority=Priority.URGENT
    )
    # The first working hour is Monday 09:00-10:00.
    assert ticket.first_response_due_at == seoul(2026, 11, 30, 10)
    resolved_at = frozen(seoul(2026, 11, 30, 0, 10))
    assert resolved_at.astimezone(dt.UTC).day == 29
    ticket = services.ticket_status_change(
        ticket=ticket, status=Status.RESOLVED, by=agent
    )
    assert ticket.sla_state == SlaState.MET
    assert ticket.resolution_working_seconds == 0
    at_resolution = stored(ticket)
    assert (monday_compliance()["met"], monday_compliance()["breached"]) == (1, 0)
    later = frozen(seoul(2026, 12, 7, 0, 11))
    services.tickets_auto_close(now=later)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
    assert stored(ticket) == at_resolution
    assert (monday_compliance()["met"], monday_compliance()["breached"]) == (1, 0)


def test_recompute_keeps_a_verdict_a_later_priority_change_did_not_move(
    frozen, agent, network
):
    """Urgent, opened Monday 10:00, resolved at 15:00: breached (4 working
    hours). Made low the next day, it stays breached live, and a recompute
    (on today's priority and targets) judges it no differently."""
    frozen(seoul(2026, 11, 30, 10))
    ticket = services.ticket_create(
        by=agent, title="서버 다운", category=network, priority=Priority.URGENT
    )
    services.ticket_reply(ticket=ticket, by=agent, body="확인 중입니다.")
    frozen(seoul(2026, 11, 30, 15))
    ticket = services.ticket_status_change(
        ticket=Ticket.objects.get(pk=ticket.pk), status=Status.RESOLVED, by=agent
    )
    assert ticket.sla_state == SlaState.BREACHED
    frozen(seoul(2026, 12, 1, 10))
    ticket = services.ticket_update(ticket=ticket, by=agent, priority=Priority.LOW)
    live = stored(ticket)
    assert live["sla_state"] == SlaState.BREACHED
    assert recompute() == "1 tickets read, 0 changed\n"
    assert stored(ticket) == live
    assert monday_compliance()["breached"] == 1


def test_a_ticket_closed_without_a_resolution_is_judged_at_its_close(
    frozen, agent, network
):
    """Closed straight from in progress at 10:30: met, 30 minutes used. Loaded
    elsewhere without its history or service levels, a recompute weeks later
    judges it at its close, not on the day of the recompute."""
    frozen(seoul(2026, 11, 30, 10))
    ticket = services.ticket_create(
        by=agent, title="계정 잠김", category=network, priority=Priority.URGENT
    )
    frozen(seoul(2026, 11, 30, 10, 30))
    ticket = services.ticket_close(ticket=ticket, by=agent)
    assert ticket.resolved_at is None
    live = stored(ticket)
    assert live["sla_state"] == SlaState.MET
    assert live["sla_used_seconds"] == 30 * 60
    TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED).delete()
    forget_sla(ticket)
    frozen(seoul(2026, 12, 20, 10))
    assert recompute() == "1 tickets read, 1 changed\n"
    assert stored(ticket) == live
