"""The SLA watcher: warnings and breaches told once, in-app and over real SMTP."""

import pytest
from django.core.management import call_command

from notifications.models import (
    CategoryAgent,
    Notification,
    NotificationKind,
    OutboundEmail,
)
from notifications.services import fan_out_backlog
from tickets import services
from tickets.models import EventKind, Priority, Ticket, TicketEvent

from .conftest import seoul

pytestmark = pytest.mark.django_db


def watch():
    call_command("sla_watch", "--once", verbosity=0)


def kinds(user):
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("id")
        .values_list("kind", flat=True)
    )


@pytest.fixture
def opened(frozen, requester, network, agent, other_agent):
    """A medium ticket, unassigned, opened Monday 30 November 2026 10:00 in Seoul;
    `agent` is the category's named agent. First response due Tuesday 10:00,
    its warning (80% of 9 working hours) Monday 17:12."""
    CategoryAgent.objects.create(category=network, agent=agent)
    frozen(seoul(2026, 11, 30, 10))
    ticket = services.ticket_create(
        by=requester, title="프로젝터 고장", category=network, priority=Priority.MEDIUM
    )
    forget_notifications()
    return ticket


def forget_notifications():
    """Start from no notifications (the creation's are not what is tested)."""
    fan_out_backlog()
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()


def test_warning_and_breach_are_told_once_in_app_and_by_mail(
    opened, frozen, smtp_server, requester, agent, other_agent
):
    frozen(seoul(2026, 11, 30, 17, 11))
    watch()
    assert kinds(agent) == []

    frozen(seoul(2026, 11, 30, 17, 13))
    watch()
    watch()  # a second run sends nothing again
    assert kinds(agent) == [NotificationKind.SLA_WARNING]

    frozen(seoul(2026, 12, 1, 10, 1))
    watch()
    watch()
    assert kinds(agent) == [NotificationKind.SLA_WARNING, NotificationKind.SLA_BREACH]
    # Unassigned: the category's named agent only; never the requester.
    assert kinds(other_agent) == []
    assert kinds(requester) == []
    breach = Notification.objects.get(recipient=agent, kind="sla_breach")
    assert "past its first response target" in breach.texts["en"]
    assert "첫 응답 기한을 넘겼습니다" in breach.texts["ko"]

    call_command("notifications_worker", "--once", verbosity=0)
    call_command("notifications_worker", "--once", verbosity=0)
    mails = smtp_server.mails_to(agent.email)
    assert len(mails) == 2
    assert smtp_server.mails_to(requester.email) == []
    assert smtp_server.mails_to(other_agent.email) == []

    events = TicketEvent.objects.filter(ticket=opened, kind=EventKind.SLA_BREACHED)
    assert [(event.internal, event.field) for event in events] == [
        (True, "first_response_due_at")
    ]


def test_the_assignee_alone_is_told(opened, frozen, agent, other_agent):
    services.ticket_assign(ticket=opened, assignee=other_agent, by=other_agent)
    forget_notifications()
    frozen(seoul(2026, 12, 1, 10, 1))  # past the warning and the breach at once
    watch()
    # A breach says what the warning would: one notice, not two.
    assert kinds(other_agent) == [NotificationKind.SLA_BREACH]
    assert kinds(agent) == []


def test_a_new_target_clears_the_markers_and_the_next_warning_is_told(
    opened, frozen, agent
):
    frozen(seoul(2026, 11, 30, 17, 13))
    watch()
    assert Ticket.objects.get(pk=opened.pk).sla_warned_at is not None
    # Low priority: first response in 2 days, the warning moves to Wednesday.
    services.ticket_priority_change(ticket=opened, priority=Priority.LOW, by=agent)
    assert Ticket.objects.get(pk=opened.pk).sla_warned_at is None
    watch()
    assert kinds(agent).count(NotificationKind.SLA_WARNING) == 1
    frozen(seoul(2026, 12, 1, 15, 30))  # 80% of 18 working hours: Tue 15:24
    watch()
    watch()
    assert kinds(agent).count(NotificationKind.SLA_WARNING) == 2


def test_the_breach_entry_is_hidden_from_the_requester(
    opened, frozen, requester, agent, as_user, client
):
    frozen(seoul(2026, 12, 1, 10, 1))
    watch()
    assert TicketEvent.objects.filter(kind=EventKind.SLA_BREACHED).count() == 1
    staff = as_user(agent).get(f"/api/tickets/{opened.pk}/events/")
    assert "sla_breached" in [event["kind"] for event in staff.json()]
    mine = as_user(requester).get(f"/api/tickets/{opened.pk}/events/")
    assert mine.status_code == 200
    assert "sla_breached" not in str(mine.json())
    client.force_login(agent)
    staff_page = client.get(f"/tickets/{opened.pk}/").text
    assert "서비스 수준 위반: 첫 응답 기한을(를) 넘겼습니다." in staff_page
    client.force_login(requester)
    page = client.get(f"/tickets/{opened.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    for word in ("Service level", "서비스 수준", "기한", "Overdue", "due_at"):
        assert word not in text


def test_every_must_be_positive():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sla_watch", "--every", "0")


def test_a_paused_ticket_is_not_watched_until_it_runs_again(opened, frozen, agent):
    services.ticket_status_change(ticket=opened, status="waiting", by=agent)
    frozen(seoul(2026, 12, 20, 10))
    watch()
    assert kinds(agent) == []  # shown "paused", so nobody is told
    services.ticket_status_change(ticket=opened, status="in_progress", by=agent)
    watch()
    watch()
    # The first response is still owed and long past: told once.
    assert kinds(agent) == [NotificationKind.SLA_BREACH]


def test_a_user_who_turned_the_mail_off_still_gets_the_in_app_notice(
    opened, frozen, agent
):
    from notifications.services import preference_update

    preference_update(user=agent, email_sla_breach=False)
    frozen(seoul(2026, 12, 1, 10, 1))
    watch()
    assert kinds(agent) == [NotificationKind.SLA_BREACH]
    assert not OutboundEmail.objects.filter(recipient=agent, kind="sla_breach")


@pytest.mark.django_db(transaction=True)
def test_a_ticket_another_watcher_holds_is_skipped_then_told_once(
    opened, frozen, agent
):
    import threading

    from django.db import connection, transaction

    locked, release = threading.Event(), threading.Event()

    def other_watcher():
        with transaction.atomic():
            Ticket.objects.select_for_update().filter(pk=opened.pk).get()
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_watcher)
    thread.start()
    try:
        assert locked.wait(10)
        frozen(seoul(2026, 12, 1, 10, 1))
        watch()  # skips the row the other holds instead of waiting for it
        assert kinds(agent) == []
    finally:
        release.set()
        thread.join()
    watch()
    watch()
    assert kinds(agent) == [NotificationKind.SLA_BREACH]
