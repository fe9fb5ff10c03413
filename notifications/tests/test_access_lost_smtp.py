"""Someone who may no longer see a ticket hears nothing more of it, over real SMTP.

An agent demoted or deactivated (in the admin, or with the model signals
bypassed) loses their tickets, is left out when an event is fanned out, and a
mail queued for them before the change is dropped when it would be sent.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Language, Role, User
from accounts.tests.factories import AdminFactory
from notifications import outbox
from notifications import services as notifications
from notifications.models import Notification, OutboundEmail, OutboundEmailStatus
from tickets import services as tickets
from tickets.models import EventKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["inline", "queued"])
def fanout(request, settings):
    settings.NOTIFICATIONS_FANOUT = request.param
    return request.param


@pytest.fixture
def admin_client(db):
    admin = AdminFactory(
        email="admin1@school.ac.kr", name="Park Admin", language=Language.ENGLISH
    )
    client = Client()
    client.force_login(admin)
    client.admin = admin
    return client


@pytest.fixture
def ticket(ko_requester, en_agent, ko_agent, category, smtp_server, run_worker):
    """A ticket assigned to `ko_agent`, its mails so far sent and forgotten."""
    ticket = tickets.ticket_create(
        by=ko_requester, title="와이파이 불안정", category=category
    )
    ticket = tickets.ticket_assign(ticket=ticket, assignee=ko_agent, by=en_agent)
    run_worker()
    smtp_server.mails.clear()
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()
    return ticket


def notified(ticket):
    return sorted(
        Notification.objects.filter(ticket=ticket).values_list(
            "recipient__email", flat=True
        )
    )


def admin_change(client, user, **changes):
    """Save the user's admin page with `changes` (False unticks a box)."""
    data = {
        "email": user.email,
        "name": user.name,
        "department": user.department,
        "phone": user.phone,
        "language": user.language,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        **changes,
    }
    data = {field: value for field, value in data.items() if value is not False}
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize(
    "change",
    [{"role": Role.REQUESTER}, {"is_active": False}],
    ids=["demoted", "deactivated"],
)
def test_agent_changed_in_the_admin_loses_the_ticket_and_hears_no_more_of_it(
    ticket,
    admin_client,
    smtp_server,
    run_worker,
    ko_requester,
    en_agent,
    ko_agent,
    change,
):
    admin_change(admin_client, ko_agent, **change)

    ticket.refresh_from_db()
    assert ticket.assignee is None
    event = ticket.events.order_by("pk").last()
    assert (event.kind, event.old_value, event.new_value) == (
        EventKind.ASSIGNED,
        str(ko_agent.pk),
        "",
    )

    tickets.ticket_reply(ticket=ticket, by=ko_requester, body="비밀번호는 1234입니다")
    run_worker()

    # Unassigned: the whole team hears of it, the former agent does not.
    team = sorted([admin_client.admin.email, en_agent.email])
    assert smtp_server.recipients == team
    assert notified(ticket) == team
    assert smtp_server.mails_to(ko_agent.email) == []


def test_an_assignee_demoted_behind_the_services_back_is_skipped(
    ticket, smtp_server, run_worker, ko_requester, en_agent, ko_agent
):
    # No model signals (a bulk update): the ticket keeps its assignee, and the
    # fan-out itself must leave them out.
    User.objects.filter(pk=ko_agent.pk).update(role=Role.REQUESTER)

    tickets.ticket_reply(ticket=ticket, by=ko_requester, body="아직도 끊겨요")
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="장비 교체", internal=True)
    run_worker()

    assert smtp_server.recipients == [en_agent.email]  # the reply, to the team
    assert notified(ticket) == [en_agent.email]
    assert not OutboundEmail.objects.filter(recipient=ko_agent).exists()


def queue_mails(fanout):
    """Write the e-mails of what happened so far, without sending them."""
    if fanout == "queued":
        notifications.fan_out_queued()


def test_a_queued_mail_about_an_internal_note_is_dropped_once_its_reader_is_a_requester(
    ticket, smtp_server, run_worker, en_agent, ko_agent, fanout
):
    tickets.ticket_reply(
        ticket=ticket, by=en_agent, body="SECRET: 서버 비밀번호 교체", internal=True
    )
    queue_mails(fanout)
    row = OutboundEmail.objects.get(recipient=ko_agent)
    assert row.status == OutboundEmailStatus.PENDING

    ko_agent.role = Role.REQUESTER
    ko_agent.save()
    run_worker()

    assert smtp_server.mails == []
    row.refresh_from_db()
    assert row.status == OutboundEmailStatus.DROPPED
    assert row.last_error == outbox.DROPPED_REASON
    assert row.sent_at is None


def test_a_queued_reply_to_a_deactivated_agent_is_dropped_and_the_rest_sent(
    ticket, smtp_server, ko_requester, en_agent, ko_agent, fanout
):
    tickets.ticket_reply(ticket=ticket, by=ko_requester, body="감사합니다")
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="다행입니다")
    queue_mails(fanout)
    assert OutboundEmail.objects.filter(status="pending").count() == 2

    User.objects.filter(pk=ko_agent.pk).update(is_active=False)
    counts = outbox.process_batch()

    assert counts == {"sent": 1, "failed": 0, "deferred": 0, "dropped": 1, "claimed": 2}
    assert smtp_server.recipients == [ko_requester.email]
    dropped = OutboundEmail.objects.get(status=OutboundEmailStatus.DROPPED)
    assert dropped.recipient == ko_agent


def test_admins_see_dropped_mails_marked_in_the_outbox_list(
    ticket, admin_client, run_worker, en_agent, ko_agent, fanout
):
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="내부 메모", internal=True)
    queue_mails(fanout)
    User.objects.filter(pk=ko_agent.pk).update(role=Role.REQUESTER)
    run_worker()

    url = reverse("admin:notifications_outboundemail_changelist")
    response = admin_client.get(url, {"status__exact": "dropped"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(
        OutboundEmail.objects.filter(recipient=ko_agent)
    )
    page = response.content.decode()
    assert ko_agent.email in page
    assert "Dropped" in page
    assert "can no longer see" in page
