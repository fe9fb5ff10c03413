"""Who else has a ticket open: heartbeats, typing, leaving, expiry, and who may ask."""

import datetime

import pytest
import time_machine
from django.test import override_settings

from accounts.tests.factories import UserFactory
from tickets.services import presence

pytestmark = pytest.mark.django_db

LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "dummy": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


def url(ticket):
    return f"/api/tickets/{ticket.pk}/presence"


def beat(client, ticket, state="viewing"):
    response = client.post(url(ticket), {"state": state}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_each_agent_sees_the_others_and_whether_they_are_typing(
    as_user, agent, other_agent, ticket
):
    lee, jung = as_user(agent), as_user(other_agent)
    assert beat(lee, ticket) == {"others": [], "interval": presence.INTERVAL}
    assert beat(jung, ticket)["others"] == [
        {"id": agent.pk, "name": "이담당", "state": "viewing"}
    ]
    assert beat(lee, ticket, "typing")["others"] == [
        {"id": other_agent.pk, "name": "정담당", "state": "viewing"}
    ]
    assert beat(jung, ticket)["others"] == [
        {"id": agent.pk, "name": "이담당", "state": "typing"}
    ]


def test_presence_is_per_ticket(as_user, agent, other_agent, make_ticket):
    first, second = make_ticket(), make_ticket()
    beat(as_user(agent), first)
    assert beat(as_user(other_agent), second)["others"] == []


def test_leaving_removes_the_agent_at_once(as_user, agent, other_agent, ticket):
    lee, jung = as_user(agent), as_user(other_agent)
    beat(lee, ticket, "typing")
    assert len(beat(jung, ticket)["others"]) == 1
    assert beat(lee, ticket, "left")["others"] == [
        {"id": other_agent.pk, "name": "정담당", "state": "viewing"}
    ]
    assert beat(jung, ticket)["others"] == []


def test_an_agent_without_heartbeats_disappears_after_the_ttl(
    as_user, agent, other_agent, ticket
):
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        lee, jung = as_user(agent), as_user(other_agent)  # tokens of that time
        beat(lee, ticket)
        clock.shift(presence.TTL - 15)  # two beats missed: still shown
        assert [other["id"] for other in beat(jung, ticket)["others"]] == [agent.pk]
        clock.shift(16)  # three missed: gone
        assert beat(jung, ticket)["others"] == []
        # A heartbeat brings them back.
        beat(lee, ticket)
        assert len(beat(jung, ticket)["others"]) == 1


def test_the_service_ignores_an_entry_older_than_the_ttl_even_if_the_cache_keeps_it(
    agent, other_agent, ticket, monkeypatch
):
    """The cache may expire a key a little late; the entry's own time decides."""
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        presence.ticket_presence_update(ticket_id=ticket.pk, by=agent, state="typing")
        # A cache that keeps every key for an hour.
        real_set = presence.cache.set
        monkeypatch.setattr(
            presence.cache,
            "set",
            lambda key, value, timeout=None: real_set(key, value, 3600),
        )
        presence.ticket_presence_update(ticket_id=ticket.pk, by=agent, state="typing")
        clock.shift(presence.TTL + 1)
        others = presence.ticket_presence_update(
            ticket_id=ticket.pk, by=other_agent, state="viewing"
        )
    assert others == []


def test_bad_state_is_a_400(as_user, agent, ticket):
    client = as_user(agent)
    for body in ({"state": "sleeping"}, {}, {"state": ["viewing"]}):
        response = client.post(url(ticket), body, format="json")
        assert response.status_code == 400
        assert "state" in response.json()


def test_requesters_get_no_presence(
    as_user, api_client, requester, make_ticket, ticket
):
    client = as_user(requester)
    assert (
        client.post(url(ticket), {"state": "viewing"}, format="json").status_code == 403
    )
    others = make_ticket(requester=UserFactory())
    assert (
        client.post(url(others), {"state": "viewing"}, format="json").status_code == 404
    )
    assert (
        api_client.post(url(ticket), {"state": "viewing"}, format="json").status_code
        == 401
    )


def test_an_unknown_ticket_is_a_404(as_user, agent):
    response = as_user(agent).post(
        "/api/tickets/999999/presence/", {"state": "viewing"}, format="json"
    )
    assert response.status_code == 404


@override_settings(CACHES=LOCMEM)
def test_a_heartbeat_reads_the_database_only_to_check_the_ticket(
    as_user, agent, ticket, django_assert_num_queries
):
    client = as_user(agent)
    beat(client, ticket)
    # The signed-in user (JWT), then the ticket's visibility; nothing else.
    with django_assert_num_queries(2) as queries:
        beat(client, ticket, "typing")
    assert "tickets_ticket" in queries.captured_queries[-1]["sql"]


def test_the_ticket_page_loads_presence_for_staff_only(
    client, agent, requester, ticket
):
    client.force_login(agent)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'data-presence-url="/api/tickets/{ticket.pk}/presence"' in html
    assert "js/presence.js" in html
    client.force_login(requester)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "presence" not in html
