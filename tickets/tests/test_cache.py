"""The versioned cache: a hit costs no ticket query, and no answer is ever stale."""

import re

import pytest
from django.test import override_settings

from tickets import services
from tickets.models import Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]


@pytest.fixture
def cache_on():
    with override_settings(TICKET_CACHE=True):
        yield


def listed(client, query=""):
    response = client.get(f"/api/tickets{query}")
    assert response.status_code == 200
    return {row["id"]: row for row in response.json()["results"]}


def test_a_repeated_list_is_served_without_touching_the_tickets(
    as_user, agent, make_ticket, django_assert_max_num_queries
):
    make_ticket()
    client = as_user(agent)
    first = client.get("/api/tickets").content
    with django_assert_max_num_queries(3) as captured:
        assert client.get("/api/tickets").content == first
    assert not any('"tickets_ticket"' in q["sql"] for q in captured.captured_queries)


CHANGES = {
    "reply": lambda t, agent, requester: services.ticket_reply(
        ticket=t, by=agent, body="확인했습니다."
    ),
    "assign": lambda t, agent, requester: services.ticket_assign(
        ticket=t, assignee=agent, by=agent
    ),
    "status": lambda t, agent, requester: services.ticket_status_change(
        ticket=t, status=Status.WAITING, by=agent
    ),
    "priority": lambda t, agent, requester: services.ticket_update(
        ticket=t, by=agent, priority="urgent"
    ),
    "title": lambda t, agent, requester: services.ticket_details_update(
        ticket=t, by=agent, title="제목 수정됨"
    ),
    "close by requester": lambda t, agent, requester: services.ticket_close(
        ticket=t, by=requester
    ),
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("role", ["agent", "requester"])
def test_any_change_through_the_services_shows_on_the_very_next_request(
    as_user, agent, requester, make_ticket, change, role
):
    ticket = make_ticket()
    client = as_user(agent if role == "agent" else requester)
    before = listed(client)[ticket.pk]
    assert listed(client)[ticket.pk] == before  # now served from the cache
    CHANGES[change](ticket, agent, requester)
    after = listed(client)[ticket.pk]
    assert after["version"] > before["version"]
    assert after != before


def test_a_new_ticket_shows_on_the_next_request(as_user, agent, make_ticket):
    make_ticket()
    client = as_user(agent)
    assert len(listed(client)) == 1
    newer = make_ticket(title="새로 접수된 티켓")
    assert newer.pk in listed(client)


def test_an_internal_note_never_reaches_a_requester_through_the_cache(
    as_user, agent, requester, make_ticket
):
    ticket = make_ticket()
    staff = as_user(agent)
    listed(staff)
    services.ticket_reply(ticket=ticket, by=agent, body="내부 메모", internal=True)
    mine = as_user(requester)
    assert listed(mine)[ticket.pk]["version"] == ticket.version
    assert "내부 메모" not in mine.get("/api/tickets").content.decode()


def test_one_users_cached_list_is_never_shown_to_another(
    as_user, requester, other_requester, make_ticket
):
    own = make_ticket()
    theirs = make_ticket(requester=other_requester)
    assert set(listed(as_user(requester))) == {own.pk}
    assert set(listed(as_user(other_requester))) == {theirs.pk}


def test_with_the_cache_off_every_request_reads_the_tickets(
    as_user, agent, make_ticket, django_assert_num_queries
):
    make_ticket()
    client = as_user(agent)
    with override_settings(TICKET_CACHE=False):
        client.get("/api/tickets")
        with django_assert_num_queries(2) as captured:
            client.get("/api/tickets")
    assert any('"tickets_ticket"' in q["sql"] for q in captured.captured_queries)


# --- The HTML lists ------------------------------------------------------------------


def page(client, url) -> str:
    """The page without its CSRF tokens, which differ on every answer."""
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())


@pytest.mark.parametrize("change", CHANGES)
def test_the_queue_page_shows_any_change_on_the_very_next_request(
    client, agent, requester, make_ticket, change
):
    ticket = make_ticket(title="원래 제목")
    client.force_login(agent)
    before = page(client, "/queue/?status=all")
    assert page(client, "/queue/?status=all") == before  # from the cache
    CHANGES[change](ticket, agent, requester)
    assert page(client, "/queue/?status=all") != before


def test_my_tickets_shows_a_staff_reply_on_the_very_next_request(
    client, agent, requester, make_ticket
):
    ticket = make_ticket()
    client.force_login(requester)
    assert "tickets" in client.get("/tickets/").content.decode()
    services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
    page = client.get("/tickets/").content.decode()
    assert agent.name in page


@pytest.mark.parametrize("size", [25, 50, 100])
@pytest.mark.parametrize("cached", [True, False])
def test_the_queue_costs_the_same_queries_whatever_the_page_size(
    client, agent, make_ticket, django_assert_num_queries, size, cached
):
    for index in range(60):
        make_ticket(title=f"프린터 출력 {index}")
    client.force_login(agent)
    url = f"/queue/?status=all&page_size={size}&q=출력"
    with override_settings(TICKET_CACHE=cached):
        client.get(url)  # a cache miss when cached; the same cost otherwise
        # cached: session, user, the version, the cache entry, unread badge;
        # uncached: session, user, staff menu, categories, counters, the page
        # itself, unread badge
        with django_assert_num_queries(5 if cached else 7):
            response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('name="tickets"') == min(size, 60)
