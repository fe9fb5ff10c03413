"""`manage.py sla_recompute`: the fields the services keep, computed afresh
from the history, for tickets that never had them."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from sla.services import sla_state_at
from tickets import services
from tickets.models import Priority, SlaState, Status, Ticket
from tickets.selectors import ticket_data_version

from .conftest import forget_sla, seoul

pytestmark = pytest.mark.django_db

FIELDS = [
    "first_response_due_at",
    "resolution_due_at",
    "sla_warning_at",
    "sla_used_seconds",
    "sla_resumed_at",
]


def sla_fields(ticket):
    """The stored fields, and the state as shown now (the stored state of a
    running ticket is as of its last change; the shown one follows the clock)."""
    ticket = Ticket.objects.get(pk=ticket.pk)
    fields = {name: getattr(ticket, name) for name in FIELDS}
    return {**fields, "state": sla_state_at(ticket, timezone.now())}


def recompute(*args):
    call_command("sla_recompute", *args, stdout=(out := _Out()))
    return out.text


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


@pytest.fixture
def history(frozen, requester, agent, network):
    """Three tickets with a week of history, made through the services:
    one paused in waiting and resumed, one resolved and reopened, one resolved
    late; plus one untouched."""
    frozen(seoul(2026, 11, 30, 10))  # Monday
    paused = services.ticket_create(
        by=requester, title="프린터", category=network, priority=Priority.MEDIUM
    )
    reopened = services.ticket_create(
        by=requester, title="와이파이", category=network, priority=Priority.HIGH
    )
    late = services.ticket_create(
        by=agent, title="계정", category=network, priority=Priority.URGENT
    )
    untouched = services.ticket_create(
        by=requester, title="프로젝터", category=network, priority=Priority.LOW
    )
    frozen(seoul(2026, 11, 30, 12))
    services.ticket_update(ticket=paused, by=agent, status=Status.WAITING)
    services.ticket_reply(ticket=reopened, by=agent, body="조치했습니다.")
    frozen(seoul(2026, 11, 30, 15))
    services.ticket_status_change(ticket=reopened, status=Status.RESOLVED, by=agent)
    frozen(seoul(2026, 12, 2, 11))
    services.ticket_reply(
        ticket=Ticket.objects.get(pk=paused.pk), by=requester, body="?"
    )
    services.ticket_reopen(ticket=Ticket.objects.get(pk=reopened.pk), by=agent)
    services.ticket_status_change(
        ticket=Ticket.objects.get(pk=late.pk), status=Status.RESOLVED, by=agent
    )
    frozen(seoul(2026, 12, 3, 9, 30))
    return [paused, reopened, late, untouched]


def test_recompute_gives_what_the_services_kept(history):
    kept = [sla_fields(ticket) for ticket in history]
    assert [k["state"] for k in kept] == [
        SlaState.BREACHED,  # no staff reply by Tuesday 10:00
        SlaState.OK,  # answered; resolved, reopened, 5 of 18 working hours used
        SlaState.BREACHED,  # resolved after its 4 hours
        SlaState.BREACHED,  # low, never answered: first response due Wednesday
    ]
    assert kept[0]["sla_used_seconds"] == 2 * 3600  # waiting time left out
    assert kept[1]["sla_used_seconds"] == 5 * 3600
    forget_sla(*history)
    assert all(sla_fields(t)["first_response_due_at"] is None for t in history)

    assert recompute() == "4 tickets read, 4 changed\n"

    assert [sla_fields(ticket) for ticket in history] == kept


def test_recompute_twice_changes_nothing_the_second_time(history):
    forget_sla(*history)
    recompute()
    version = ticket_data_version()
    assert recompute() == "4 tickets read, 0 changed\n"
    assert ticket_data_version() == version


def test_recompute_moves_the_data_version(history):
    forget_sla(*history)
    version = ticket_data_version()
    recompute()
    assert ticket_data_version() > version


def test_open_only_leaves_resolved_tickets(history):
    forget_sla(*history)
    assert recompute("--open-only") == "3 tickets read, 3 changed\n"
    late = Ticket.objects.get(pk=history[2].pk)
    assert late.status == Status.RESOLVED
    assert late.first_response_due_at is None


def test_past_breaches_count_as_told_unless_asked(history, agent):
    """The watcher must not send a notice for every old ticket at once."""
    forget_sla(*history)
    Ticket.objects.update(sla_warned_at=None, sla_breached_at=None)
    Notification.objects.all().delete()
    recompute()
    counts = services.tickets_sla_watch()
    assert counts == {"warned": 0, "breached": 0}

    forget_sla(*history)
    Ticket.objects.update(sla_warned_at=None, sla_breached_at=None)
    recompute("--tell")
    counts = services.tickets_sla_watch()
    # The open tickets past or near a due time are told now.
    assert counts["warned"] + counts["breached"] >= 1
    assert Notification.objects.filter(
        kind__in=[NotificationKind.SLA_WARNING, NotificationKind.SLA_BREACH]
    ).exists()


def test_a_bad_batch_size_is_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        recompute("--batch-size", "0")
