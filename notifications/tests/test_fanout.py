"""Queued fan-out (NOTIFICATIONS_FANOUT=queued, the default outside tests).

A ticket change writes one `QueuedEvent` in its own transaction; the worker (or
the web process right after commit, when it sends inline) writes each
recipient's in-app notification and e-mail and deletes the event.
"""

import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from accounts.tests.factories import AgentFactory
from notifications import services
from notifications.models import Notification, OutboundEmail, QueuedEvent
from tickets import services as tickets
from tickets.models import Ticket


@pytest.fixture(autouse=True)
def queued(settings):
    settings.NOTIFICATIONS_FANOUT = "queued"
    settings.NOTIFICATIONS_SEND_INLINE = False
    return settings


@pytest.mark.django_db
@pytest.mark.parametrize("agents", [2, 20])
def test_a_change_writes_one_queued_event_whatever_the_number_of_recipients(
    agents, django_assert_num_queries, ko_requester, category
):
    AgentFactory.create_batch(agents)

    # Ticket, history, the queued event, the counters (version and status in
    # one statement; SAVEPOINTs under the test's transaction stand for BEGIN
    # and COMMIT), and 4 for the service levels (sla.services: working hours,
    # closures, special hours and the ticket's target, for the due times).
    with django_assert_num_queries(10):
        ticket = tickets.ticket_create(
            by=ko_requester, title="Queued", category=category
        )

    event = QueuedEvent.objects.get()
    assert (event.ticket_id, event.kind, event.actor_id) == (
        ticket.pk,
        "ticket_created",
        ko_requester.pk,
    )
    assert event.ticket_title == "Queued"
    assert not Notification.objects.exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_the_fan_out_writes_every_recipient_once_and_removes_the_event(
    ko_requester, en_agent, ko_agent, category
):
    ticket = tickets.ticket_create(by=ko_requester, title="Wi-Fi", category=category)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="On my way")

    email_ids = services.fan_out_queued()

    assert not QueuedEvent.objects.exists()
    told = sorted(
        Notification.objects.filter(ticket=ticket).values_list("kind", "recipient_id")
    )
    assert told == sorted(
        [
            ("ticket_created", ko_requester.pk),
            ("ticket_created", en_agent.pk),
            ("ticket_created", ko_agent.pk),
            ("reply_staff", ko_requester.pk),
        ]
    )
    assert sorted(email_ids) == sorted(
        OutboundEmail.objects.filter(ticket=ticket).values_list("pk", flat=True)
    )
    assert len(email_ids) == 4
    # Exactly once: nothing is left to fan out.
    assert services.fan_out_queued() == []
    assert Notification.objects.filter(ticket=ticket).count() == 4


@pytest.mark.django_db
def test_a_change_rolled_back_queues_nothing(ko_requester, en_agent, category):
    with pytest.raises(RuntimeError), transaction.atomic():
        tickets.ticket_create(by=ko_requester, title="Never", category=category)
        assert QueuedEvent.objects.count() == 1
        raise RuntimeError("the request failed after the change")

    assert not QueuedEvent.objects.exists()
    assert services.fan_out_queued() == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_mail_quotes_the_title_the_change_saw(ko_requester, en_agent, category):
    ticket = tickets.ticket_create(
        by=ko_requester, title="Printer jammed", category=category
    )
    # The title is edited before the worker fans the event out.
    Ticket.objects.filter(pk=ticket.pk).update(title="Printer fixed")

    services.fan_out_queued()

    row = OutboundEmail.objects.get(recipient=en_agent)
    assert row.ticket_title == "Printer jammed"
    assert "Printer jammed" in row.subject
    assert Ticket.objects.get(pk=ticket.pk).title == "Printer fixed"


@pytest.mark.django_db
def test_the_worker_fans_out_then_sends(ko_requester, en_agent, category, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ticket = tickets.ticket_create(
        by=ko_requester, title="Projector", category=category
    )

    from django.core.management import call_command

    call_command("notifications_worker", "--once", verbosity=0)

    assert not QueuedEvent.objects.exists()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [ko_requester.email, en_agent.email]
    )
    assert Notification.objects.filter(ticket=ticket, recipient=en_agent).exists()


@pytest.mark.django_db
def test_sending_inline_fans_out_right_after_commit(
    ko_requester, en_agent, category, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SEND_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        ticket = tickets.ticket_create(
            by=ko_requester, title="Printer", category=category
        )
        assert not Notification.objects.exists()  # not before the commit

    assert not QueuedEvent.objects.exists()
    assert Notification.objects.filter(ticket=ticket).count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [ko_requester.email, en_agent.email]
    )


@pytest.mark.django_db(transaction=True)
def test_an_event_another_worker_holds_is_skipped_not_repeated(
    ko_requester, en_agent, category
):
    tickets.ticket_create(by=ko_requester, title="Shared queue", category=category)
    holding, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                list(QueuedEvent.objects.select_for_update())
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert holding.wait(10)
        assert services.fan_out_queued() == []  # locked elsewhere: skipped
        assert QueuedEvent.objects.count() == 1
    finally:
        release.set()
        thread.join(10)

    assert len(services.fan_out_queued()) == 2
    assert not QueuedEvent.objects.exists()
