"""Resolving an outage notice with many tickets: a bounded request, worker rounds."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from notifications.models import Notification, NotificationKind
from tickets import services as ticket_services
from tickets.models import Comment, Incident, Status, Ticket
from tickets.services import incidents as services

FIXED = "와이파이가 복구되었습니다."
NOW = "대기 중인 티켓에 지금 답변"  # "Answer the waiting tickets now"


@pytest.fixture
def incident(agent, network):
    return services.incident_create(by=agent, title="학내 와이파이 장애")


@pytest.fixture
def people(db):
    return [UserFactory(email=f"scale{index}@school.ac.kr") for index in range(4)]


@pytest.fixture
def linked(make_ticket, people, agent, incident):
    """Seven open tickets linked to the notice, from four requesters."""

    def _linked(count=7):
        tickets = [
            make_ticket(requester=people[index % len(people)], title="와이파이 안 됨")
            for index in range(count)
        ]
        services.incident_link_tickets(
            incident=incident, by=agent, ticket_ids=[t.pk for t in tickets]
        )
        return tickets

    return _linked


def answered(ticket) -> bool:
    fresh = Ticket.objects.get(pk=ticket.pk)
    replies = Comment.objects.filter(ticket=ticket, body=FIXED)
    return fresh.status == Status.RESOLVED and replies.count() == 1


def test_the_request_answers_up_to_the_bound_and_worker_rounds_the_rest(
    settings, linked, agent, incident
):
    settings.INCIDENTS_ANSWER_IN_REQUEST = 2
    tickets = linked(7)
    Notification.objects.all().delete()

    result = services.incident_resolve(incident=incident, by=agent, message=FIXED)

    assert result.resolved == [t.pk for t in tickets[:2]]
    assert result.waiting == [t.pk for t in tickets[2:]]
    assert result.skipped == []
    incident = Incident.objects.get()
    assert incident.resolved_by == agent
    assert services.incident_progress(incident) == {
        "linked": 7,
        "waiting": 5,
        "done": 2,
    }
    assert [answered(t) for t in tickets] == [True] * 2 + [False] * 5

    assert services.incident_answer_round(limit=3) == 3
    assert services.incident_progress(incident)["waiting"] == 2
    assert services.incident_answer_round(limit=3) == 2
    assert services.incident_answer_round(limit=3) == 0
    assert all(answered(t) for t in tickets)
    # The resolver answered each ticket; each requester was told once per ticket.
    assert set(Comment.objects.filter(body=FIXED).values_list("author", flat=True)) == {
        agent.pk
    }
    for ticket in tickets:
        told = Notification.objects.filter(ticket=ticket)
        assert list(told.values_list("recipient", "kind")) == [
            (ticket.requester_id, NotificationKind.STATUS_CHANGED)
        ]
    assert services.incident_progress(incident)["waiting"] == 0


def test_rounds_and_pressing_resolve_again_never_answer_a_ticket_twice(
    settings, linked, agent, incident
):
    settings.INCIDENTS_ANSWER_IN_REQUEST = 0
    tickets = linked(5)
    first = services.incident_resolve(incident=incident, by=agent, message=FIXED)
    assert first.resolved == [] and len(first.waiting) == 5

    assert services.incident_answer_round(limit=2) == 2
    settings.INCIDENTS_ANSWER_IN_REQUEST = 2
    # "Answer the waiting tickets now": no message needed on a resolved notice.
    again = services.incident_resolve(incident=incident, by=agent, message="")
    assert again.already_resolved
    assert again.resolved == [t.pk for t in tickets[2:4]]
    assert again.skipped == [t.pk for t in tickets[:2]]
    assert again.waiting == [tickets[4].pk]
    assert services.incident_answer_round(limit=10) == 1
    assert services.incident_answer_round(limit=10) == 0
    last = services.incident_resolve(incident=incident, by=agent, message="")
    assert last.resolved == [] and last.waiting == []
    assert all(answered(t) for t in tickets)
    assert Comment.objects.filter(body=FIXED).count() == 5


def test_a_ticket_changed_between_rounds_is_left_to_the_team(
    settings, linked, agent, incident
):
    settings.INCIDENTS_ANSWER_IN_REQUEST = 1
    first, replied, closed, untouched = linked(4)
    services.incident_resolve(incident=incident, by=agent, message=FIXED)
    # Between the request and the worker's round: the requester writes again
    # on one ticket, closes another.
    ticket_services.ticket_reply(
        ticket=replied, by=replied.requester, body="아직도 안 돼요."
    )
    ticket_services.ticket_close(ticket=closed, by=closed.requester)

    assert services.incident_answer_round(limit=10) == 1

    assert answered(first) and answered(untouched)
    assert not Comment.objects.filter(ticket=replied, body=FIXED).exists()
    assert Ticket.objects.get(pk=replied.pk).status != Status.RESOLVED
    assert not Comment.objects.filter(ticket=closed, body=FIXED).exists()
    assert Ticket.objects.get(pk=closed.pk).status == Status.CLOSED
    assert services.incident_progress(Incident.objects.get())["waiting"] == 0


def test_a_ticket_changed_after_the_request_read_it_is_skipped(
    settings, linked, agent, incident, monkeypatch
):
    """The version read with the list is checked under the row lock."""
    settings.INCIDENTS_ANSWER_IN_REQUEST = None
    first, second = linked(2)
    real = services.ticket_reply_and_status_change

    def someone_changes_the_second_first(**kwargs):
        if kwargs["ticket"].pk == second.pk:
            ticket_services.ticket_update(ticket=second, by=agent, priority="high")
        return real(**kwargs)

    monkeypatch.setattr(
        services, "ticket_reply_and_status_change", someone_changes_the_second_first
    )
    result = services.incident_resolve(incident=incident, by=agent, message=FIXED)
    assert result.resolved == [first.pk] and result.skipped == [second.pk]
    assert not Comment.objects.filter(ticket=second).exists()


def test_a_ticket_the_resolver_may_no_longer_answer_is_logged_and_left(
    settings, linked, agent, incident, caplog
):
    settings.INCIDENTS_ANSWER_IN_REQUEST = 0
    tickets = linked(2)
    services.incident_resolve(incident=incident, by=agent, message=FIXED)
    agent.role = "requester"
    agent.save()

    assert services.incident_answer_round(limit=10) == 0
    # Tried once, then the notice is left alone for the rest of the round.
    assert caplog.text.count("could not answer ticket") == 1
    assert not any(answered(t) for t in tickets)

    # A colleague presses "Answer the waiting tickets now": answered as them.
    colleague = UserFactory(email="colleague@school.ac.kr", role="agent")
    again = services.incident_resolve(
        incident=incident, by=colleague, message="", limit=None
    )
    assert again.resolved == [t.pk for t in tickets]
    assert set(Comment.objects.filter(body=FIXED).values_list("author", flat=True)) == {
        colleague.pk
    }


def test_the_notifications_worker_answers_waiting_tickets(
    settings, linked, agent, incident
):
    settings.INCIDENTS_ANSWER_IN_REQUEST = 0
    tickets = linked(3)
    services.incident_resolve(incident=incident, by=agent, message=FIXED)

    call_command("notifications_worker", "--once", "--batch-size", "20", verbosity=0)

    assert all(answered(t) for t in tickets)


def answer_queries(count: int, *, make_ticket, people, agent, network) -> int:
    incident = services.incident_create(by=agent, title=f"장애 {count}")
    tickets = [
        make_ticket(requester=people[index % len(people)]) for index in range(count)
    ]
    services.incident_link_tickets(
        incident=incident, by=agent, ticket_ids=[t.pk for t in tickets]
    )
    services.incident_resolve(incident=incident, by=agent, message=FIXED, limit=0)
    with CaptureQueriesContext(connection) as queries:
        assert services.incident_answer_round(limit=count) == count
    return len(queries)


def test_queries_per_ticket_are_bounded(make_ticket, people, agent, network):
    """Each further ticket costs the same fixed number of queries (test settings:
    inline fan-out, the heaviest mode)."""
    world = {"make_ticket": make_ticket, "people": people, "agent": agent}
    three = answer_queries(3, network=network, **world)
    six = answer_queries(6, network=network, **world)
    per_ticket = (six - three) / 3
    assert per_ticket == int(per_ticket)
    # 34 today: the reply and the status change each lock, save and refresh
    # the SLA clocks (tickets.services.tickets), plus the inline fan-out.
    assert per_ticket <= 34


def test_the_page_shows_progress_and_answers_the_rest_on_request(
    client, settings, linked, agent, incident
):
    settings.INCIDENTS_ANSWER_IN_REQUEST = 1
    tickets = linked(3)
    client.force_login(agent)
    url = f"/incidents/{incident.pk}/"
    answer = client.post(f"{url}resolve/", {"message": FIXED}, follow=True)
    page = answer.content.decode()
    assert "연결된 티켓 3개 중 1개 처리됨" in page
    assert "2개는 백그라운드 작업자가 처리 대기 중" in page
    assert NOW in page

    client.post(f"{url}resolve/", {}, follow=True)
    page = client.post(f"{url}resolve/", {}, follow=True).content.decode()
    assert "연결된 티켓 3개 중 3개 처리됨" in page
    assert NOW not in page
    assert all(answered(t) for t in tickets)


def test_the_api_lists_waiting_tickets_and_needs_a_message_to_resolve(
    as_user, settings, linked, agent, incident
):
    settings.INCIDENTS_ANSWER_IN_REQUEST = 1
    tickets = linked(2)
    api = as_user(agent)
    url = f"/api/incidents/{incident.pk}/resolve"
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 400 and "message" in refused.json()
    assert Incident.objects.get().is_open

    body = api.post(url, {"message": FIXED}, format="json").json()
    assert body["resolved_tickets"] == [tickets[0].pk]
    assert body["waiting_tickets"] == [tickets[1].pk]
    again = api.post(url, {}, format="json").json()
    assert again["resolved_tickets"] == [tickets[1].pk]
    assert again["waiting_tickets"] == []


@pytest.mark.django_db(transaction=True)
def test_workers_skip_a_ticket_another_worker_holds(settings, linked, agent, incident):
    """SKIP LOCKED: a ticket locked elsewhere is left to that worker, not waited on."""
    settings.INCIDENTS_ANSWER_IN_REQUEST = 0
    held, *others = linked(3)
    services.incident_resolve(incident=incident, by=agent, message=FIXED)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            Ticket.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(10)
        connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert services.incident_answer_round(limit=10) == 2
    finally:
        release.set()
        thread.join()
    assert all(answered(t) for t in others) and not answered(held)
    assert services.incident_answer_round(limit=10) == 1
    assert answered(held)
