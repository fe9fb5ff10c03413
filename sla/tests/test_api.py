"""SLA fields in the ticket JSON (staff only), the filter and the ordering."""

import pytest

from tickets import services
from tickets.models import Priority, Status

from .conftest import seoul

pytestmark = pytest.mark.django_db

SLA_FIELDS = {"first_response_due_at", "resolution_due_at", "sla_state"}


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def tickets(frozen, requester, agent, network):
    """Urgent (opened 09:00), low and medium (10:00), and one waiting."""
    frozen(seoul(2026, 11, 30, 9))
    urgent = services.ticket_create(
        by=agent,
        requester=requester,
        title="서버 다운",
        category=network,
        priority=Priority.URGENT,
    )
    frozen(seoul(2026, 11, 30, 10))
    low = services.ticket_create(
        by=requester, title="마우스 교체", category=network, priority=Priority.LOW
    )
    medium = services.ticket_create(
        by=requester, title="프린터 용지", category=network, priority=Priority.MEDIUM
    )
    waiting = services.ticket_create(
        by=requester, title="계정 문의", category=network, priority=Priority.HIGH
    )
    waiting = services.ticket_update(ticket=waiting, by=agent, status=Status.WAITING)
    frozen(seoul(2026, 11, 30, 13, 30))  # urgent: first response long overdue
    return {"urgent": urgent, "low": low, "medium": medium, "waiting": waiting}


def test_staff_see_the_sla_fields(as_user, agent, tickets):
    client = as_user(agent)
    data = client.get(f"/api/tickets/{tickets['medium'].pk}").json()
    assert set(data) >= SLA_FIELDS
    assert data["sla_state"] == "ok"
    assert data["resolution_due_at"].startswith("2026-12-07T10:00:00")
    rows = {row["id"]: row for row in client.get("/api/tickets").json()["results"]}
    assert rows[tickets["urgent"].pk]["sla_state"] == "breached"
    assert rows[tickets["waiting"].pk]["sla_state"] == "paused"
    assert rows[tickets["waiting"].pk]["resolution_due_at"] is None


def test_requesters_never_see_sla_details(as_user, requester, tickets):
    client = as_user(requester)
    detail = client.get(f"/api/tickets/{tickets['medium'].pk}").json()
    assert "status" in detail
    assert not SLA_FIELDS & set(detail)
    for row in client.get("/api/tickets").json()["results"]:
        assert not SLA_FIELDS & set(row)


def test_filter_by_sla_state(as_user, agent, tickets):
    client = as_user(agent)
    assert ids(client.get("/api/tickets?sla_state=breached")) == [tickets["urgent"].pk]
    assert ids(client.get("/api/tickets?sla_state=paused")) == [tickets["waiting"].pk]
    found = set(ids(client.get("/api/tickets?sla_state=ok,warning")))
    assert found == {tickets["low"].pk, tickets["medium"].pk}


def test_sla_filter_is_ignored_for_requesters(as_user, requester, tickets):
    client = as_user(requester)
    own = set(ids(client.get("/api/tickets")))
    assert set(ids(client.get("/api/tickets?sla_state=breached"))) == own


def test_order_by_resolution_due_is_the_default_order_for_requesters(
    as_user, requester, tickets
):
    client = as_user(requester)
    default = ids(client.get("/api/tickets"))
    assert len(default) == 4  # all four are the requester's
    for ordering in ("resolution_due_at", "-resolution_due_at"):
        assert ids(client.get(f"/api/tickets?ordering={ordering}")) == default


def test_bad_sla_state_is_400(as_user, agent, tickets):
    response = as_user(agent).get("/api/tickets?sla_state=late")
    assert response.status_code == 400
    assert "sla_state" in response.json()


def test_order_by_resolution_due(as_user, agent, tickets):
    client = as_user(agent)
    expected = [
        tickets["urgent"].pk,  # 13:00 today
        tickets["medium"].pk,  # 7 December
        tickets["low"].pk,  # 14 December
        tickets["waiting"].pk,  # paused: no due time, last
    ]
    assert ids(client.get("/api/tickets?ordering=resolution_due_at")) == expected
    assert ids(client.get("/api/tickets?ordering=-resolution_due_at")) == list(
        reversed(expected)
    )


def test_order_by_resolution_due_pages_with_a_cursor(as_user, agent, tickets):
    client = as_user(agent)
    first = client.get("/api/tickets?ordering=resolution_due_at&page_size=2").json()
    assert [row["id"] for row in first["results"]] == [
        tickets["urgent"].pk,
        tickets["medium"].pk,
    ]
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [
        tickets["low"].pk,
        tickets["waiting"].pk,
    ]


def test_cached_list_follows_the_clock(as_user, agent, tickets, frozen, settings):
    """The list cache keys on the data version; SLA states move with time too."""
    settings.TICKET_CACHE = True
    url = "/api/tickets?sla_state=breached"
    frozen(seoul(2026, 12, 1, 9, 59))
    assert tickets["medium"].pk not in ids(as_user(agent).get(url))
    frozen(seoul(2026, 12, 1, 10, 1))  # medium: first response overdue
    assert tickets["medium"].pk in ids(as_user(agent).get(url))
