"""Outage notices (incidents): services, API and pages, end to end."""

import re

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from notifications.models import Notification, NotificationKind, OutboundEmail
from tickets.models import (
    Comment,
    EventKind,
    Incident,
    IncidentStatus,
    IncidentSubscriber,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.selectors import ticket_data_version
from tickets.services import incidents as services

WIFI = "학내 와이파이 장애"


@pytest.fixture
def incident(agent, network):
    return services.incident_create(
        by=agent,
        title=WIFI,
        message="공학관과 도서관에서 와이파이가 끊깁니다. 복구 중입니다.",
        category=network,
        locations="공학관, 도서관",
    )


@pytest.fixture
def requesters(db):
    return [
        UserFactory(email=f"student{index}@school.ac.kr", name=f"학생{index}")
        for index in range(3, 6)
    ]


def open_tickets(make_ticket, people):
    return [make_ticket(requester=person, title="와이파이 안 됨") for person in people]


# --- Services ---------------------------------------------------------------------


def test_an_incident_is_opened_by_staff_only(requester, agent, network):
    with pytest.raises(PermissionDenied):
        services.incident_create(by=requester, title=WIFI)
    incident = services.incident_create(by=agent, title=f"  {WIFI} ", category=network)
    assert incident.title == WIFI
    assert incident.status == IncidentStatus.INVESTIGATING
    assert incident.created_by == agent


def test_every_incident_change_moves_the_data_version(agent, requester, incident):
    seen = ticket_data_version()
    services.incident_update(
        incident=incident, by=agent, status=IncidentStatus.IDENTIFIED
    )
    after_update = ticket_data_version()
    assert after_update > seen
    services.incident_subscribe(incident=incident, by=requester)
    assert ticket_data_version() > after_update


def test_the_status_goes_to_resolved_only_through_resolve(agent, incident):
    with pytest.raises(ValidationError) as refused:
        services.incident_update(
            incident=incident, by=agent, status=IncidentStatus.RESOLVED
        )
    assert "status" in refused.value.message_dict
    assert Incident.objects.get().status == IncidentStatus.INVESTIGATING


def test_me_too_counts_a_person_once(requester, incident):
    services.incident_subscribe(incident=incident, by=requester)
    services.incident_subscribe(incident=incident, by=requester)
    assert IncidentSubscriber.objects.filter(incident=incident).count() == 1


def test_linking_a_closed_ticket_is_refused_and_links_nothing(
    make_ticket, agent, requester, incident
):
    open_one = make_ticket()
    closed = make_ticket(status=Status.CLOSED, agent=agent)
    with pytest.raises(ValidationError) as refused:
        services.incident_link_tickets(
            incident=incident, by=agent, ticket_ids=[open_one.pk, closed.pk]
        )
    message = " ".join(refused.value.message_dict["tickets"])
    assert closed.reference in message and "종료" in message
    assert not Ticket.objects.filter(incident__isnull=False).exists()


def test_linking_an_unknown_ticket_names_it(agent, incident):
    with pytest.raises(ValidationError) as refused:
        services.incident_link_tickets(incident=incident, by=agent, ticket_ids=[999])
    assert "999" in refused.value.message_dict["tickets"][0]


def test_a_ticket_belongs_to_one_incident_at_most(make_ticket, agent, incident):
    ticket = make_ticket()
    other = services.incident_create(by=agent, title="메일 장애")
    services.incident_link_tickets(incident=incident, by=agent, ticket_ids=[ticket.pk])
    # Linking again to the same notice is no change.
    assert (
        services.incident_link_tickets(
            incident=incident, by=agent, ticket_ids=[ticket.pk]
        )
        == 0
    )
    with pytest.raises(ValidationError) as refused:
        services.incident_link_tickets(incident=other, by=agent, ticket_ids=[ticket.pk])
    assert WIFI in refused.value.message_dict["tickets"][0]


def test_resolving_answers_and_resolves_each_linked_ticket_with_one_notification(
    make_ticket, agent, requesters, incident
):
    tickets = open_tickets(make_ticket, requesters)
    waiting = tickets[0]
    from tickets import services as ticket_services

    ticket_services.ticket_status_change(
        ticket=waiting, status=Status.WAITING, by=agent
    )
    already = make_ticket(requester=requesters[1])
    services.incident_link_tickets(
        incident=incident, by=agent, ticket_ids=[t.pk for t in [*tickets, already]]
    )
    ticket_services.ticket_status_change(
        ticket=already, status=Status.RESOLVED, by=agent
    )
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()

    result = services.incident_resolve(
        incident=incident, by=agent, message="와이파이가 복구되었습니다."
    )

    assert result.resolved == [t.pk for t in tickets]
    assert result.skipped == [already.pk]
    assert Incident.objects.get().status == IncidentStatus.RESOLVED
    for ticket in tickets:
        fresh = Ticket.objects.get(pk=ticket.pk)
        assert fresh.status == Status.RESOLVED and fresh.resolved_at is not None
        reply = Comment.objects.get(ticket=ticket)
        assert reply.body == "와이파이가 복구되었습니다." and not reply.internal
        history = TicketEvent.objects.filter(ticket=ticket).order_by("id")
        assert history.filter(kind=EventKind.REPLIED, actor=agent).count() == 1
        assert history.last().new_value == Status.RESOLVED
        # One notification and one e-mail to the requester, quoting the reply.
        told = Notification.objects.filter(ticket=ticket)
        assert list(told.values_list("recipient", "kind")) == [
            (ticket.requester_id, NotificationKind.STATUS_CHANGED)
        ]
        mail = OutboundEmail.objects.get(ticket=ticket)
        assert mail.recipient_id == ticket.requester_id
        assert mail.comment_id == reply.pk
    # The ticket resolved beforehand got nothing more.
    assert not Comment.objects.filter(ticket=already).exists()
    assert not Notification.objects.filter(ticket=already).exists()


def test_resolving_twice_does_nothing_the_second_time(make_ticket, agent, incident):
    ticket = make_ticket()
    services.incident_link_tickets(incident=incident, by=agent, ticket_ids=[ticket.pk])
    services.incident_resolve(incident=incident, by=agent, message="복구됨")
    # The requester reopens it with a reply: resolving again must not answer again.
    from tickets import services as ticket_services

    ticket_services.ticket_reply(ticket=ticket, by=ticket.requester, body="또 안돼요")
    again = services.incident_resolve(incident=incident, by=agent, message="복구됨")
    assert again.already_resolved and again.resolved == []
    assert Comment.objects.filter(ticket=ticket, author=agent).count() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_resolving_needs_a_message_and_changes_nothing_without_one(
    make_ticket, agent, incident
):
    ticket = make_ticket()
    services.incident_link_tickets(incident=incident, by=agent, ticket_ids=[ticket.pk])
    with pytest.raises(ValidationError) as refused:
        services.incident_resolve(incident=incident, by=agent, message="  ")
    assert "message" in refused.value.message_dict
    assert Incident.objects.get().is_open
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_a_resolved_incident_takes_no_more_tickets(make_ticket, agent, incident):
    services.incident_resolve(incident=incident, by=agent, message="복구됨")
    with pytest.raises(ValidationError):
        services.incident_link_tickets(
            incident=incident, by=agent, ticket_ids=[make_ticket().pk]
        )


def test_send_and_mark_resolved_is_one_notification(make_ticket, agent, requester):
    from tickets import services as ticket_services

    ticket = make_ticket()
    Notification.objects.all().delete()
    ticket_services.ticket_reply_and_status_change(
        ticket=ticket, by=agent, body="교체했습니다.", status=Status.RESOLVED
    )
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (requester.pk, NotificationKind.STATUS_CHANGED)
    ]


# --- API ----------------------------------------------------------------------------


def test_the_api_lists_open_incidents_to_everyone_signed_in(
    api_client, as_user, requester, agent, incident
):
    assert api_client.get("/api/incidents").status_code == 401
    mine = as_user(requester).get("/api/incidents")
    assert mine.status_code == 200
    [row] = mine.json()
    assert row["title"] == WIFI and row["status"] == "investigating"
    assert row["category"]["slug"] == "network"
    assert "linked" not in row and "created_by" not in row  # staff only
    staff = as_user(agent).get("/api/incidents/").json()[0]
    assert staff["linked"] == 0 and staff["created_by"]["id"] == agent.pk


@pytest.mark.parametrize("path", ["/api/incidents/", "/api/incidents/{id}/"])
def test_the_documented_notice_requires_nothing_only_staff_get(
    as_user, requester, incident, path
):
    # Found by the API fuzzing: the schema required `created_by` and `linked`,
    # which a requester's notice leaves out.
    schema = yaml.safe_load(as_user(requester).get("/api/schema/").content)
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    shape = content["application/json"]["schema"]
    ref = shape.get("items", shape)["$ref"].rsplit("/", 1)[-1]
    required = set(schema["components"]["schemas"][ref]["required"])
    answer = as_user(requester).get(path.format(id=incident.pk)).json()
    row = answer[0] if isinstance(answer, list) else answer
    assert required <= set(row), required - set(row)
    assert not {"created_by", "linked", "resolved_at", "resolution"} & set(row)


def test_the_api_hides_resolved_incidents_from_the_list(as_user, agent, incident):
    services.incident_resolve(incident=incident, by=agent, message="복구됨")
    assert as_user(agent).get("/api/incidents").json() == []


def test_requesters_cannot_open_link_or_resolve(as_user, requester, incident):
    client = as_user(requester)
    assert client.post("/api/incidents", {"title": "x"}).status_code == 403
    link = client.post(
        f"/api/incidents/{incident.pk}/link", {"tickets": [1]}, format="json"
    )
    assert link.status_code == 403
    resolve = client.post(
        f"/api/incidents/{incident.pk}/resolve", {"message": "x"}, format="json"
    )
    assert resolve.status_code == 403
    assert Incident.objects.get().is_open


def test_the_api_flow_end_to_end(as_user, agent, make_ticket, requesters):
    client = as_user(agent)
    created = client.post(
        "/api/incidents",
        {"title": WIFI, "category": "network", "message": "복구 중입니다."},
        format="json",
    )
    assert created.status_code == 201, created.content
    incident_id = created.json()["id"]
    tickets = open_tickets(make_ticket, requesters)
    linked = client.post(
        f"/api/incidents/{incident_id}/link/",
        {"tickets": [t.pk for t in tickets]},
        format="json",
    )
    assert linked.status_code == 200, linked.content
    assert linked.json()["newly_linked"] == 3
    assert linked.json()["incident"]["linked"] == 3
    Notification.objects.all().delete()
    resolved = client.post(
        f"/api/incidents/{incident_id}/resolve",
        {"message": "복구되었습니다."},
        format="json",
    )
    assert resolved.status_code == 200, resolved.content
    body = resolved.json()
    assert body["resolved_tickets"] == [t.pk for t in tickets]
    assert body["incident"]["status"] == "resolved"
    assert Notification.objects.count() == 3
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        person.pk for person in requesters
    )
    again = client.post(
        f"/api/incidents/{incident_id}/resolve",
        {"message": "복구되었습니다."},
        format="json",
    )
    assert again.json()["already_resolved"] is True
    assert Notification.objects.count() == 3


def test_bad_input_gets_a_400_and_changes_nothing(as_user, agent, make_ticket):
    client = as_user(agent)
    answer = client.post("/api/incidents", {"category": "nope"}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == {"title", "category"}
    assert not Incident.objects.exists()
    incident = services.incident_create(by=agent, title=WIFI)
    closed = make_ticket(status=Status.CLOSED, agent=agent)
    refused = client.post(
        f"/api/incidents/{incident.pk}/link", {"tickets": [closed.pk]}, format="json"
    )
    assert refused.status_code == 400
    assert closed.reference in refused.json()["tickets"][0]
    assert not Ticket.objects.filter(incident__isnull=False).exists()
    assert (
        client.post(
            f"/api/incidents/{incident.pk}/link", {"tickets": ["x"]}, format="json"
        ).status_code
        == 400
    )
    empty = client.post(f"/api/incidents/{incident.pk}/resolve", {}, format="json")
    assert empty.status_code == 400 and "message" in empty.json()
    assert Incident.objects.get().is_open


def test_me_too_through_the_api(as_user, requester, incident):
    answer = as_user(requester).post(f"/api/incidents/{incident.pk}/affected")
    assert answer.status_code == 200
    assert answer.json()["affected"] == 1 and answer.json()["affected_by_me"]


# --- Pages ----------------------------------------------------------------------------


def test_the_banner_shows_open_incidents_to_requesters_and_counts_me_too(
    client, requester, other_requester, incident
):
    client.force_login(requester)
    for url in ("/tickets/", "/tickets/new/"):
        page = client.get(url).content.decode()
        assert WIFI in page and "나도 같은 문제" in page
    answer = client.post(
        f"/incidents/{incident.pk}/affected/", {"next": "/tickets/new/"}
    )
    assert answer.status_code == 302 and answer.url == "/tickets/new/"
    page = client.get("/tickets/new/").content.decode()
    assert re.search(r"등록됨 <span class=\"n\">1</span>", page)
    client.force_login(other_requester)
    page = client.get("/tickets/").content.decode()
    assert re.search(r"나도 같은 문제 <span class=\"n\">1</span>", page)


@override_settings(TICKET_CACHE=True)
def test_the_cached_banner_shows_a_change_on_the_very_next_request(
    client, requester, agent, incident
):
    client.force_login(requester)
    assert WIFI in client.get("/tickets/").content.decode()
    services.incident_update(incident=incident, by=agent, title="메일 장애")
    page = client.get("/tickets/").content.decode()
    assert "메일 장애" in page and WIFI not in page
    services.incident_resolve(incident=incident, by=agent, message="복구됨")
    assert "메일 장애" not in client.get("/tickets/").content.decode()


def test_the_staff_pages_open_link_and_resolve(client, agent, make_ticket, network):
    client.force_login(agent)
    answer = client.post(
        "/incidents/new/",
        {"title": WIFI, "status": "investigating", "category": network.pk},
    )
    incident = Incident.objects.get()
    assert answer.status_code == 302 and answer.url == f"/incidents/{incident.pk}/"
    ticket = make_ticket(title="도서관 와이파이 끊김")
    make_ticket(title="프린터 고장")
    search = client.get(f"/incidents/{incident.pk}/link/?q=와이파이").content.decode()
    assert "도서관 와이파이 끊김" in search and "프린터 고장" not in search
    linked = client.post(f"/incidents/{incident.pk}/link/", {"tickets": [ticket.pk]})
    assert linked.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).incident == incident
    assert ticket.reference in client.get(linked.url).content.decode()
    resolved = client.post(
        f"/incidents/{incident.pk}/resolve/", {"message": "복구되었습니다."}
    )
    assert resolved.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED
    assert "해결" in client.get(resolved.url).content.decode()


def test_a_form_error_keeps_what_was_typed(client, agent, incident):
    client.force_login(agent)
    answer = client.post(f"/incidents/{incident.pk}/resolve/", {"message": ""})
    assert answer.status_code == 200
    assert "field-error" in answer.content.decode()
    assert Incident.objects.get().is_open
    answer = client.post("/incidents/new/", {"title": "", "message": "남길 내용"})
    assert answer.status_code == 200 and "남길 내용" in answer.content.decode()


def test_linking_a_closed_ticket_on_the_page_says_why(
    client, agent, make_ticket, incident
):
    closed = make_ticket(status=Status.CLOSED, agent=agent)
    client.force_login(agent)
    answer = client.post(
        f"/incidents/{incident.pk}/link/", {"tickets": [closed.pk]}, follow=True
    )
    assert closed.reference in answer.content.decode()
    assert Ticket.objects.get(pk=closed.pk).incident is None


def test_requesters_cannot_reach_the_staff_pages(client, requester, incident):
    client.force_login(requester)
    assert client.get("/incidents/").status_code == 403
    assert client.get(f"/incidents/{incident.pk}/").status_code == 403


# --- "나도 같은 문제": told when it is fixed, without a ticket --------------------------


def test_people_who_pressed_me_too_are_told_once_in_app_and_by_mail(
    agent, requester, other_requester, incident, mailoutbox
):
    from notifications import outbox

    services.incident_subscribe(incident=incident, by=requester)
    services.incident_subscribe(incident=incident, by=other_requester)
    other_requester.is_active = False  # left the school: told nothing
    other_requester.save()
    services.incident_resolve(
        incident=incident, by=agent, message="AP 교체로 복구되었습니다."
    )
    told = Notification.objects.filter(kind=NotificationKind.INCIDENT_RESOLVED)
    assert list(told.values_list("recipient", "incident", "ticket")) == [
        (requester.pk, incident.pk, None)
    ]
    assert WIFI in told.get().text
    mail = OutboundEmail.objects.get(kind=NotificationKind.INCIDENT_RESOLVED)
    outbox.send_now([mail.pk])
    [sent] = mailoutbox
    assert sent.to == [requester.email]
    assert WIFI in sent.subject
    assert "AP 교체로 복구되었습니다." in sent.body
    assert "해결" in sent.body  # in the requester's language (Korean)
    # Resolving again tells nobody again.
    services.incident_resolve(incident=incident, by=agent, message="다시")
    assert told.count() == 1


def test_news_of_an_incident_opens_the_portal_and_lists_in_the_api(
    client, as_user, agent, requester, incident
):
    services.incident_subscribe(incident=incident, by=requester)
    services.incident_resolve(incident=incident, by=agent, message="복구됨")
    notification = Notification.objects.get(recipient=requester)
    [row] = as_user(requester).get("/api/notifications").json()["results"]
    assert row["kind"] == "incident_resolved"
    assert row["ticket"] is None and row["ticket_reference"] is None
    client.force_login(requester)
    assert WIFI in client.get("/notifications/").content.decode()
    answer = client.get(f"/notifications/{notification.pk}/")
    assert answer.status_code == 302 and answer.url == "/"


def test_a_resolve_that_died_half_way_is_finished_by_resolving_again(
    make_ticket, agent, requesters, incident, monkeypatch
):
    first, second = open_tickets(make_ticket, requesters[:2])
    services.incident_link_tickets(
        incident=incident, by=agent, ticket_ids=[first.pk, second.pk]
    )
    real = services.ticket_reply_and_status_change

    def dies_on_the_second(**kwargs):
        if kwargs["ticket"].pk == second.pk:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "ticket_reply_and_status_change", dies_on_the_second)
    with pytest.raises(RuntimeError):
        services.incident_resolve(incident=incident, by=agent, message="복구됨")
    assert Incident.objects.get().status == IncidentStatus.RESOLVED
    assert Ticket.objects.get(pk=second.pk).status == Status.NEW  # rolled back
    monkeypatch.undo()

    again = services.incident_resolve(incident=incident, by=agent, message="복구됨")
    assert again.already_resolved
    assert again.resolved == [second.pk] and again.skipped == [first.pk]
    assert Comment.objects.filter(ticket=first).count() == 1
    assert Ticket.objects.get(pk=second.pk).status == Status.RESOLVED


@override_settings(TICKET_CACHE=True)
def test_a_cached_banner_reads_no_incident_rows(client, requester, incident):
    client.force_login(requester)
    client.get("/tickets/new/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/tickets/new/").content.decode()
    assert WIFI in page
    assert not any("tickets_incident" in q["sql"] for q in captured.captured_queries)


def test_staff_pages_carry_no_banner_and_no_incident_query(client, agent, incident):
    client.force_login(agent)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/notifications/").content.decode()
    assert 'class="incident-banner"' not in page
    assert not any("tickets_incident" in q["sql"] for q in captured.captured_queries)
