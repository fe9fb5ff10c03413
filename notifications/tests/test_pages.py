"""The notifications page, mark read, preferences page, badge and admin."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import AdminFactory
from notifications.models import (
    Notification,
    NotificationPreference,
    OutboundEmail,
    OutboundEmailStatus,
)
from tickets import services as tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(ko_requester, en_agent, category):
    ticket = tickets.ticket_create(by=ko_requester, title="페이지", category=category)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="hello")
    return ticket


def test_list_page_shows_notifications_and_the_badge(client, ko_requester, ticket):
    client.force_login(ko_requester)

    response = client.get("/notifications/")

    assert response.status_code == 200
    page = response.content.decode()
    assert ticket.reference in page
    # Each links to itself: opening it marks it read, then shows the ticket.
    for notification in Notification.objects.filter(recipient=ko_requester):
        assert f'href="/notifications/{notification.pk}/"' in page
    assert 'class="badge"' in page and ">2</span>" in page


def test_mark_one_and_all_read_from_the_page(client, ko_requester, ticket):
    client.force_login(ko_requester)
    first = Notification.objects.filter(recipient=ko_requester).first()

    response = client.post(
        f"/notifications/{first.pk}/read/", {"next": "/notifications/"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert (
        Notification.objects.filter(recipient=ko_requester, read_at=None).count() == 1
    )

    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(
        recipient=ko_requester, read_at=None
    ).exists()
    assert 'class="badge"' not in client.get("/notifications/").content.decode()


def test_mark_read_refuses_others_and_offsite_redirects(
    client, en_agent, ko_requester, ticket
):
    client.force_login(en_agent)
    notification = Notification.objects.filter(recipient=ko_requester).first()
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404

    own = Notification.objects.create(
        recipient=en_agent, kind="assigned", ticket=ticket, text="x"
    )
    response = client.post(
        f"/notifications/{own.pk}/read/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/notifications/"


def test_pages_need_sign_in(client):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/preferences/").status_code == 302


def test_preferences_page_saves_choices(client, ko_requester):
    client.force_login(ko_requester)
    page = client.get("/notifications/preferences/").content.decode()
    assert 'name="email_reply_staff"' in page
    assert 'name="email_internal_note"' not in page  # never sent to requesters

    response = client.post(
        "/notifications/preferences/",
        {"email_ticket_created": "on", "email_status_changed": "on"},
    )

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=ko_requester)
    assert preference.email_reply_staff is False
    assert preference.email_status_changed is True


def test_badge_costs_no_query_unless_a_template_shows_it(ko_requester, ticket):
    request = RequestFactory().get("/")
    request.user = ko_requester
    with CaptureQueriesContext(connection) as unused:
        Template("{{ 1 }}").render(RequestContext(request, {}))
    assert len(unused) == 0

    with CaptureQueriesContext(connection) as used:
        shown = Template(
            "{{ notifications_unread_count }}/{{ notifications_unread_count }}"
        ).render(RequestContext(request, {}))
    assert shown == "2/2"
    assert len(used) == 1


def test_badge_runs_no_query_for_anonymous_visitors():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        shown = Template("{{ notifications_unread_count }}").render(
            RequestContext(request, {})
        )
    assert shown == "0"
    assert len(queries) == 0


def test_admin_shows_failures_and_retries_them(client, ko_requester, ticket):
    admin = AdminFactory(email="boss@school.ac.kr")
    OutboundEmail.objects.filter(recipient=ko_requester).update(
        status=OutboundEmailStatus.FAILED, last_error="550 mailbox unavailable"
    )
    client.force_login(admin)

    page = client.get("/admin/notifications/outboundemail/?status__exact=failed")
    assert page.status_code == 200
    assert "550 mailbox unavailable" in page.content.decode()

    failed = OutboundEmail.objects.filter(status=OutboundEmailStatus.FAILED)
    response = client.post(
        "/admin/notifications/outboundemail/",
        {"action": "retry", "_selected_action": [row.pk for row in failed]},
    )
    assert response.status_code == 302
    assert not OutboundEmail.objects.filter(status=OutboundEmailStatus.FAILED).exists()
    row = OutboundEmail.objects.filter(recipient=ko_requester).first()
    assert row.status == OutboundEmailStatus.PENDING
    assert row.attempts == 0


@pytest.mark.parametrize("cached", [True, False])
def test_the_badge_stops_counting_at_99_and_the_api_still_tells_all(
    client, ko_requester, en_agent, ticket, cached, settings
):
    settings.TICKET_CACHE = cached
    Notification.objects.filter(recipient=en_agent).delete()
    Notification.objects.bulk_create(
        Notification(recipient=en_agent, kind="ticket_created", ticket=ticket, text="x")
        for _ in range(150)
    )
    client.force_login(en_agent)

    for url in ("/queue/", "/notifications/"):
        page = client.get(url).content.decode()
        assert 'aria-label="99+ unread">99+<' in page, url
    assert client.get("/api/notifications/unread-count").json() == {"unread": 150}

    Notification.objects.filter(recipient=en_agent).exclude(
        pk__in=Notification.objects.filter(recipient=en_agent).values("pk")[:99]
    ).delete()
    page = client.get("/queue/").content.decode()
    assert 'aria-label="99 unread">99<' in page
