"""The first-response target, once answered, stays answered: a ticket resolved
with no public staff reply was answered at that resolution (by its due time
or late), and reopening it does not make its first response due again.
`Ticket.first_answered_at` keeps when the first-response clock stopped; the
live path, `manage.py sla_recompute` and migration 0019 agree on it."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from notifications.models import Notification, NotificationKind
from sla.services import breach_due_at
from tickets import services
from tickets.models import EventKind, Priority, SlaState, Status, Ticket, TicketEvent

from .conftest import forget_sla, seoul
from .test_settled import monday_compliance, state_now, stored

pytestmark = pytest.mark.django_db

fill_migration = importlib.import_module("tickets.migrations.0019_first_answered_at")


def recompute() -> str:
    call_command("sla_recompute", stdout=(out := io.StringIO()))
    return out.getvalue()


def breach_notices() -> list:
    return list(
        Notification.objects.filter(kind=NotificationKind.SLA_BREACH).values_list(
            "ticket_id", flat=True
        )
    )


@pytest.fixture
def urgent(frozen, agent, requester, network):
    """An urgent ticket of `requester` (first response due in 1 working hour,
    11:00; resolution in 4) opened Monday 30 November 2026 10:00 in Seoul."""

    def _open(title="계정 잠김"):
        frozen(seoul(2026, 11, 30, 10))
        return services.ticket_create(
            by=agent,
            requester=requester,
            title=title,
            category=network,
            priority=Priority.URGENT,
        )

    return _open


def resolve(ticket, by, at, frozen):
    frozen(at)
    return services.ticket_status_change(
        ticket=Ticket.objects.get(pk=ticket.pk), status=Status.RESOLVED, by=by
    )


def test_the_reviewers_case_is_met(urgent, frozen, agent, requester):
    """Resolved at 10:30 with no reply (met); the requester's reply at 10:45
    reopens it; the agent replies at 11:30 and resolves at 11:45: 1.5 of 4
    working hours used and the first response given at 10:30: met."""
    ticket = resolve(urgent(), agent, seoul(2026, 11, 30, 10, 30), frozen)
    assert ticket.sla_state == SlaState.MET
    frozen(seoul(2026, 11, 30, 10, 45))
    ticket = services.ticket_reply(
        ticket=ticket, by=requester, body="아직 안 돼요"
    ).ticket
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.first_answered_at == seoul(2026, 11, 30, 10, 30)
    frozen(seoul(2026, 11, 30, 11, 30))
    ticket = services.ticket_reply(
        ticket=ticket, by=agent, body="다시 설정했습니다."
    ).ticket
    # The reply is the first public one (the reports' first-response time)…
    assert ticket.first_responded_at == seoul(2026, 11, 30, 11, 30)
    assert ticket.first_response_working_seconds == 90 * 60
    # …but the first response was given at the resolution before it.
    assert ticket.first_answered_at == seoul(2026, 11, 30, 10, 30)
    ticket = resolve(ticket, agent, seoul(2026, 11, 30, 11, 45), frozen)
    assert ticket.sla_state == SlaState.MET
    assert ticket.sla_used_seconds == 90 * 60
    assert ticket.first_answered_at == seoul(2026, 11, 30, 10, 30)
    figures = monday_compliance()
    assert (figures["met"], figures["breached"]) == (1, 0)
    assert (
        figures["first_responses_on_time"],
        figures["first_responses_with_due"],
    ) == (
        1,
        1,
    )
    # The history replayed gives the live fields, kept or computed afresh.
    live = stored(ticket)
    assert recompute() == "1 tickets read, 0 changed\n"
    forget_sla(ticket)
    frozen(seoul(2026, 12, 20, 10))
    assert recompute() == "1 tickets read, 1 changed\n"
    assert stored(ticket) == live


def test_while_reopened_the_first_response_is_not_overdue(
    urgent, frozen, agent, requester
):
    """Reopened at 10:45 and still open at 12:00, past the 11:00 first-response
    due time: on time in the queue (Python and SQL), no breach notice from the
    watcher; the resolution's own due time (14:15) is still watched."""
    ticket = resolve(urgent(), agent, seoul(2026, 11, 30, 10, 30), frozen)
    frozen(seoul(2026, 11, 30, 10, 45))
    ticket = services.ticket_reply(
        ticket=ticket, by=requester, body="아직 안 돼요"
    ).ticket
    frozen(seoul(2026, 11, 30, 12))
    assert state_now(ticket) == SlaState.OK
    assert ticket.resolution_due_at == seoul(2026, 11, 30, 14, 15)  # 3.5 h left
    assert breach_due_at(ticket) == ticket.resolution_due_at
    assert services.tickets_sla_watch() == {"warned": 0, "breached": 0}
    call_command("sla_watch", "--once", verbosity=0)
    assert breach_notices() == []
    assert not TicketEvent.objects.filter(kind=EventKind.SLA_BREACHED).exists()
    # Less than 20% of the resolution target left (from 13:27): a warning.
    frozen(seoul(2026, 11, 30, 13, 30))
    assert state_now(ticket) == SlaState.WARNING
    assert services.tickets_sla_watch() == {"warned": 1, "breached": 0}
    # Past the resolution's due time: the breach told is the resolution's.
    frozen(seoul(2026, 11, 30, 14, 20))
    assert state_now(ticket) == SlaState.BREACHED
    assert services.tickets_sla_watch() == {"warned": 0, "breached": 1}
    entry = TicketEvent.objects.get(kind=EventKind.SLA_BREACHED)
    assert entry.field == "resolution_due_at"
    assert breach_notices() == [ticket.pk]


def test_an_unanswered_open_ticket_is_still_overdue_at_its_first_response(
    urgent, frozen
):
    """Nothing changed for a ticket never answered: past 11:00 it is overdue
    and the watcher tells the first-response breach."""
    ticket = urgent()
    assert ticket.first_answered_at is None
    frozen(seoul(2026, 11, 30, 11, 5))
    assert state_now(ticket) == SlaState.BREACHED
    assert services.tickets_sla_watch() == {"warned": 0, "breached": 1}
    entry = TicketEvent.objects.get(kind=EventKind.SLA_BREACHED)
    assert entry.field == "first_response_due_at"


def test_a_reply_before_the_resolution_is_the_first_answer(urgent, frozen, agent):
    """Answered by a reply at 10:20, resolved at 10:30, reopened, resolved
    again: the first response stays the reply, as before."""
    ticket = urgent()
    frozen(seoul(2026, 11, 30, 10, 20))
    ticket = services.ticket_reply(
        ticket=ticket, by=agent, body="확인 중입니다."
    ).ticket
    assert ticket.first_answered_at == ticket.first_responded_at
    assert ticket.first_answered_at == seoul(2026, 11, 30, 10, 20)
    ticket = resolve(ticket, agent, seoul(2026, 11, 30, 10, 30), frozen)
    assert ticket.sla_state == SlaState.MET
    frozen(seoul(2026, 11, 30, 11))
    ticket = services.ticket_status_change(
        ticket=ticket, status=Status.IN_PROGRESS, by=agent
    )
    frozen(seoul(2026, 11, 30, 12))
    assert state_now(ticket) == SlaState.OK
    ticket = resolve(ticket, agent, seoul(2026, 11, 30, 12), frozen)
    assert ticket.sla_state == SlaState.MET
    assert ticket.first_answered_at == seoul(2026, 11, 30, 10, 20)
    assert ticket.first_responded_at == seoul(2026, 11, 30, 10, 20)
    live = stored(ticket)
    forget_sla(ticket)
    assert recompute() == "1 tickets read, 1 changed\n"
    assert stored(ticket) == live


def test_a_late_first_answer_stays_late_after_reopening(urgent, frozen, agent):
    """Resolved at 11:30 with no reply: the first response came late (due
    11:00): breached. Reopened at 12:00, replied and resolved by 12:30 (2 of 4
    working hours): still breached, its first response was late. While open
    again the first response is answered (late) and not told again: only the
    resolution clock is watched."""
    ticket = resolve(urgent(), agent, seoul(2026, 11, 30, 11, 30), frozen)
    assert ticket.sla_state == SlaState.BREACHED
    assert ticket.first_answered_at == seoul(2026, 11, 30, 11, 30)
    frozen(seoul(2026, 11, 30, 12))
    ticket = services.ticket_status_change(
        ticket=ticket, status=Status.IN_PROGRESS, by=agent
    )
    frozen(seoul(2026, 11, 30, 12, 10))
    assert state_now(ticket) == SlaState.OK
    assert services.tickets_sla_watch() == {"warned": 0, "breached": 0}
    ticket = services.ticket_reply(ticket=ticket, by=agent, body="확인했습니다.").ticket
    ticket = resolve(ticket, agent, seoul(2026, 11, 30, 12, 30), frozen)
    assert ticket.sla_used_seconds == 2 * 3600
    assert ticket.sla_state == SlaState.BREACHED
    assert ticket.first_answered_at == seoul(2026, 11, 30, 11, 30)
    figures = monday_compliance()
    assert (figures["met"], figures["breached"]) == (0, 1)
    assert (
        figures["first_responses_on_time"],
        figures["first_responses_with_due"],
    ) == (
        0,
        1,
    )
    live = stored(ticket)
    forget_sla(ticket)
    assert recompute() == "1 tickets read, 1 changed\n"
    assert stored(ticket) == live


def test_migration_0019_fills_what_the_services_keep(urgent, frozen, agent, requester):
    """Existing tickets get the same `first_answered_at` from the migration as
    from the live path: reopened after a resolution, answered by a reply,
    answered after a resolution, closed without one, never answered."""
    reopened = resolve(urgent("a"), agent, seoul(2026, 11, 30, 10, 30), frozen)
    frozen(seoul(2026, 11, 30, 10, 45))
    services.ticket_reply(ticket=reopened, by=requester, body="아직요")
    frozen(seoul(2026, 11, 30, 11, 30))
    services.ticket_reply(ticket=reopened, by=agent, body="다시 봤습니다.")
    replied = urgent("b")
    frozen(seoul(2026, 11, 30, 10, 20))
    services.ticket_reply(ticket=replied, by=agent, body="확인 중")
    late_reply = resolve(urgent("c"), agent, seoul(2026, 11, 30, 10, 40), frozen)
    frozen(seoul(2026, 12, 1, 10))
    services.ticket_reply(ticket=late_reply, by=agent, body="추가 안내")
    closed = urgent("d")
    frozen(seoul(2026, 11, 30, 10, 50))
    services.ticket_close(ticket=closed, by=agent)
    unanswered = urgent("e")
    tickets = [reopened, replied, late_reply, closed, unanswered]
    live = {t.pk: Ticket.objects.get(pk=t.pk).first_answered_at for t in tickets}
    assert live == {
        reopened.pk: seoul(2026, 11, 30, 10, 30),
        replied.pk: seoul(2026, 11, 30, 10, 20),
        late_reply.pk: seoul(2026, 11, 30, 10, 40),
        closed.pk: seoul(2026, 11, 30, 10, 50),
        unanswered.pk: None,
    }
    Ticket.objects.update(first_answered_at=None)
    fill_migration.fill(apps, None)
    filled = dict(Ticket.objects.values_list("pk", "first_answered_at"))
    assert filled == live
    # A closed ticket whose history lacks the close: the row's close counts.
    TicketEvent.objects.filter(ticket=closed, kind=EventKind.STATUS_CHANGED).delete()
    Ticket.objects.update(first_answered_at=None)
    fill_migration.fill(apps, None)
    assert Ticket.objects.get(pk=closed.pk).first_answered_at == live[closed.pk]
    # And the replay agrees with both.
    Ticket.objects.update(first_answered_at=None)
    frozen(seoul(2026, 12, 20, 10))
    recompute()
    assert dict(Ticket.objects.values_list("pk", "first_answered_at")) == live


def test_after_the_upgrade_recompute_open_only_clears_what_the_old_rule_stored(
    urgent, frozen, agent, requester
):
    """Before migration 0019 a ticket reopened after a resolution with no reply
    stored a first-response breach (the old rule). The migration fills
    `first_answered_at` but cannot run the clocks: `sla_recompute --open-only`,
    the upgrade step docs/operations.md gives, stores what the live path would."""
    ticket = resolve(urgent(), agent, seoul(2026, 11, 30, 10, 30), frozen)
    frozen(seoul(2026, 11, 30, 11, 15))
    ticket = services.ticket_reply(
        ticket=ticket, by=requester, body="다시 안 돼요"
    ).ticket
    live = stored(ticket)
    assert state_now(ticket) == SlaState.OK
    # As the old rule left the row (migrated: `first_answered_at` filled).
    Ticket.objects.filter(pk=ticket.pk).update(sla_state=SlaState.BREACHED)
    assert state_now(ticket) == SlaState.BREACHED
    call_command("sla_recompute", "--open-only", stdout=io.StringIO())
    assert stored(ticket) == live
    assert state_now(ticket) == SlaState.OK
