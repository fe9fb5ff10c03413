"""The notifications API: list, mark read, read-all, unread count, preferences."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, NotificationPreference
from tickets import services as tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_notifications(ko_requester, en_agent, category):
    """Three notifications for the requester, oldest first."""
    ticket = tickets.ticket_create(by=ko_requester, title="API", category=category)
    Notification.objects.all().delete()
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="one")
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="two")
    tickets.ticket_status_change(ticket=ticket, status="waiting", by=en_agent)
    return ticket


def test_list_is_newest_first_with_the_design_fields(
    as_user, ko_requester, three_notifications
):
    ticket = three_notifications
    response = as_user(ko_requester).get("/api/notifications")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    kinds = [row["kind"] for row in body["results"]]
    assert kinds == ["status_changed", "reply_staff", "reply_staff"]
    first = body["results"][0]
    assert set(first) >= {"id", "kind", "ticket", "text", "read", "created_at"}
    assert first["ticket"] == ticket.pk
    assert first["ticket_reference"] == ticket.reference
    assert first["read"] is False
    assert ticket.reference in first["text"]


def test_list_query_count_does_not_grow_with_rows(
    as_user, ko_requester, three_notifications
):
    client = as_user(ko_requester)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/notifications/")
    Notification.objects.bulk_create(
        Notification(
            recipient=ko_requester,
            kind="reply_staff",
            ticket=three_notifications,
            text="x",
        )
        for _ in range(10)
    )
    with CaptureQueriesContext(connection) as many:
        client.get("/api/notifications/")
    assert len(many) == len(few)


def test_each_user_sees_only_their_own(
    as_user, en_agent, ko_agent, three_notifications
):
    assert as_user(en_agent).get("/api/notifications").json()["count"] == 0
    assert as_user(ko_agent).get("/api/notifications").json()["count"] == 0


def test_mark_one_read_with_and_without_slash(
    as_user, ko_requester, three_notifications
):
    client = as_user(ko_requester)
    ids = [n.pk for n in Notification.objects.filter(recipient=ko_requester)]

    first = client.post(f"/api/notifications/{ids[0]}/read")
    second = client.post(f"/api/notifications/{ids[1]}/read/")

    assert first.status_code == second.status_code == 200
    assert first.json()["read"] is True
    assert client.get("/api/notifications/unread-count").json() == {"unread": 1}
    again = client.post(f"/api/notifications/{ids[0]}/read")
    assert again.status_code == 200
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 1}


def test_someone_elses_notification_is_404(as_user, en_agent, three_notifications):
    notification = Notification.objects.first()
    client = as_user(en_agent)

    assert client.post(f"/api/notifications/{notification.pk}/read").status_code == 404
    assert client.get(f"/api/notifications/{notification.pk}").status_code == 404
    assert client.post("/api/notifications/abc/read").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_read_all(as_user, ko_requester, three_notifications):
    client = as_user(ko_requester)

    response = client.post("/api/notifications/read-all")

    assert response.status_code == 200
    assert response.json() == {"marked": 3}
    assert client.get("/api/notifications/unread-count").json() == {"unread": 0}
    assert client.post("/api/notifications/read-all/").json() == {"marked": 0}


def test_anonymous_callers_get_401(api_client):
    for method, path in [
        ("get", "/api/notifications"),
        ("post", "/api/notifications/read-all"),
        ("get", "/api/notifications/unread-count"),
        ("get", "/api/notifications/preferences"),
    ]:
        assert getattr(api_client, method)(path).status_code == 401


def test_preferences_read_and_update(as_user, ko_requester, en_agent):
    requester_client = as_user(ko_requester)
    shown = requester_client.get("/api/notifications/preferences").json()
    assert shown == {
        "email_ticket_created": True,
        "email_reply_staff": True,
        # Replies from the others on their ticket (the requester, a CC).
        "email_reply_requester": True,
        "email_status_changed": True,
        # "나도 같은 문제": told when the outage is fixed.
        "email_incident_resolved": True,
        # Told where their request went when staff merge it (issue 20).
        "email_merged": True,
        # Told when someone copies them on a ticket (CC, issue 20).
        "email_cc_added": True,
    }

    response = requester_client.patch(
        "/api/notifications/preferences/",
        {"email_status_changed": False},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["email_status_changed"] is False
    assert NotificationPreference.objects.get(user=ko_requester).email_reply_staff
    staff = as_user(en_agent).get("/api/notifications/preferences").json()
    assert set(staff) == {
        "email_ticket_created",
        "email_reply_staff",
        "email_reply_requester",
        "email_internal_note",
        "email_assigned",
        "email_status_changed",
        # Service-level notices: staff only (requesters never hear of them).
        "email_sla_warning",
        "email_sla_breach",
        "email_merged",
        "email_incident_resolved",
        "email_cc_added",
        # A requester's "not good" rating: the assignee hears (satisfaction).
        "email_satisfaction_bad",
    }


def test_preferences_refuse_a_non_boolean(as_user, ko_requester):
    response = as_user(ko_requester).patch(
        "/api/notifications/preferences",
        {"email_reply_staff": "maybe"},
        format="json",
    )
    assert response.status_code == 400
    assert "email_reply_staff" in response.json()
