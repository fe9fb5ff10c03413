"""The clock rules, through the ticket services, with the time frozen."""

import datetime as dt

import pytest

from sla.selectors import with_sla_state
from sla.services import sla_state_at
from tickets import services
from tickets.models import Priority, SlaState, Status, Ticket

from .conftest import seoul

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


@pytest.fixture
def opened(frozen, requester, network):
    """A medium ticket opened on Monday 30 November 2026, 10:00 in Seoul."""
    frozen(seoul(2026, 11, 30, 10))
    return services.ticket_create(
        by=requester, title="프로젝터 고장", category=network, priority=Priority.MEDIUM
    )


def state_now(ticket):
    """The state as shown now, from Python and from SQL (they must agree)."""
    from django.utils import timezone

    now = timezone.now()
    shown = sla_state_at(ticket, now)
    annotated = with_sla_state(Ticket.objects.filter(pk=ticket.pk), now=now).get()
    assert annotated.current_sla_state == shown
    return shown


def test_creation_sets_both_due_times(opened):
    assert opened.first_response_due_at == seoul(2026, 12, 1, 10)  # 1 day = 9 h
    assert opened.resolution_due_at == seoul(2026, 12, 7, 10)  # 5 days
    assert opened.sla_state == SlaState.OK
    stored = Ticket.objects.get(pk=opened.pk)
    assert stored.resolution_due_at == opened.resolution_due_at


def test_first_staff_reply_meets_first_response(opened, agent, frozen):
    frozen(seoul(2026, 12, 1, 9, 30))  # 8.5 of 9 hours used: warning
    assert state_now(opened) == SlaState.WARNING
    comment = services.ticket_reply(ticket=opened, by=agent, body="확인하겠습니다.")
    ticket = comment.ticket
    assert ticket.first_responded_at == seoul(2026, 12, 1, 9, 30)
    frozen(seoul(2026, 12, 1, 11))  # past the first-response due time, answered
    assert state_now(ticket) == SlaState.OK


def test_unanswered_ticket_breaches_first_response(opened, frozen):
    frozen(seoul(2026, 12, 1, 10, 1))
    assert state_now(opened) == SlaState.BREACHED


def test_waiting_pauses_and_a_reply_resumes(opened, agent, requester, frozen):
    frozen(seoul(2026, 11, 30, 12))  # 2 working hours used
    ticket = services.ticket_update(ticket=opened, by=agent, status=Status.WAITING)
    assert ticket.resolution_due_at is None
    assert ticket.sla_state == SlaState.PAUSED
    assert ticket.sla_used_seconds == 2 * 3600
    frozen(seoul(2026, 12, 10, 10))  # long past the old due time: still paused
    assert state_now(ticket) == SlaState.PAUSED
    ticket = services.ticket_reply(ticket=ticket, by=requester, body="됐나요?").ticket
    assert ticket.status == Status.IN_PROGRESS
    # 45 - 2 = 43 working hours from Thursday 10 December 10:00.
    assert ticket.resolution_due_at == seoul(2026, 12, 16, 17)
    assert state_now(ticket) in (SlaState.OK, SlaState.BREACHED)


def test_resolve_stops_the_clock_and_reopen_resumes_it(opened, agent, frozen):
    frozen(seoul(2026, 11, 30, 11))
    services.ticket_reply(ticket=opened, by=agent, body="조치했습니다.")
    frozen(seoul(2026, 11, 30, 13))  # 3 working hours used
    ticket = services.ticket_status_change(
        ticket=opened, status=Status.RESOLVED, by=agent
    )
    assert ticket.sla_state == SlaState.MET
    assert ticket.resolution_due_at is None
    assert ticket.sla_used_seconds == 3 * 3600
    frozen(seoul(2026, 12, 3, 10))
    ticket = services.ticket_reopen(ticket=ticket, by=agent)
    assert ticket.sla_state != SlaState.MET
    # 45 - 3 = 42 working hours from Thursday 3 December 10:00.
    assert ticket.resolution_due_at == seoul(2026, 12, 9, 16)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.resolution_due_at == ticket.resolution_due_at
    assert stored.sla_resumed_at == seoul(2026, 12, 3, 10)


def test_resolving_late_is_breached(opened, agent, frozen):
    frozen(seoul(2026, 11, 30, 11))
    services.ticket_reply(ticket=opened, by=agent, body="확인 중입니다.")
    frozen(seoul(2026, 12, 8, 10))  # 6 working days later
    ticket = services.ticket_status_change(
        ticket=opened, status=Status.RESOLVED, by=agent
    )
    assert ticket.sla_state == SlaState.BREACHED


def test_priority_change_recomputes_from_creation(opened, agent, frozen):
    frozen(seoul(2026, 11, 30, 10, 30))
    ticket = services.ticket_update(ticket=opened, by=agent, priority=Priority.URGENT)
    assert ticket.first_response_due_at == seoul(2026, 11, 30, 11)
    assert ticket.resolution_due_at == seoul(2026, 11, 30, 14)
    frozen(seoul(2026, 11, 30, 10, 50))  # < 20% of the first hour left
    assert state_now(ticket) == SlaState.WARNING
    ticket = services.ticket_update(ticket=ticket, by=agent, priority=Priority.LOW)
    # 2 days = 18 working hours: 8 on Monday, 9 on Tuesday, 1 on Wednesday.
    assert ticket.first_response_due_at == seoul(2026, 12, 2, 10)
    assert ticket.resolution_due_at == seoul(2026, 12, 14, 10)  # 10 days
    assert state_now(ticket) == SlaState.OK


def test_category_target_overrides_the_default(opened, agent, frozen):
    from sla.models import Policy
    from tickets.tests.factories import CategoryFactory

    printers = CategoryFactory(slug="printers", name_ko="프린터", name_en="Printers")
    Policy.objects.create(
        priority=Priority.MEDIUM,
        category=printers,
        first_response_minutes=30,
        resolution_minutes=120,
    )
    ticket = services.ticket_update(ticket=opened, by=agent, category=printers)
    assert ticket.first_response_due_at == seoul(2026, 11, 30, 10, 30)
    assert ticket.resolution_due_at == seoul(2026, 11, 30, 12)
