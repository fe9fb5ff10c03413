"""`/reports/` and `GET /api/reports/summary`: who gets them, what they show."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets import services

from .conftest import H

pytestmark = pytest.mark.django_db

WEEK = {"from": "2026-11-30", "to": "2026-12-06"}


def test_dashboard_shows_the_figures_in_charts_and_tables(client, agent, week):
    client.force_login(agent)
    response = client.get(reverse("reports:dashboard"), WEEK)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "접수 및 해결 추이" in html  # the chart's title, in Korean
    assert "네트워크" in html and "본관 101호" in html
    assert re.search(r"SLA 준수율[^<]*</th><td class=\"num\">75.0</td>", html)
    assert re.search(r"재개율[^<]*</th><td class=\"num\">20.0</td>", html)
    # Chart bars are drawn with attributes only: nothing the CSP would block.
    assert " style=" not in html and "<style" not in html
    assert "<script>" not in html
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert 'href="/reports/export/flow.csv?from=2026-11-30&amp;to=2026-12-06"' in html


def test_requesters_get_403(client, requester):
    client.force_login(requester)
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_bad_period_is_a_400_with_the_message_on_the_form(client, agent):
    client.force_login(agent)
    response = client.get(
        reverse("reports:dashboard"), {"from": "2026-12-06", "to": "2026-11-30"}
    )
    assert response.status_code == 400
    assert "종료일이 시작일보다 앞섭니다." in response.content.decode()


def test_staff_see_the_reports_link_requesters_do_not(client, agent, requester):
    client.force_login(agent)
    assert 'href="/reports/"' in client.get(reverse("tickets:queue")).content.decode()
    client.force_login(requester)
    page = client.get(reverse("tickets:my_tickets")).content.decode()
    assert 'href="/reports/"' not in page


def test_the_cached_dashboard_is_never_stale(client, settings, agent, week):
    settings.TICKET_CACHE = True
    client.force_login(agent)
    url = reverse("reports:dashboard")
    first = client.get(url, WEEK).content.decode()
    assert re.search(r"재개 횟수</th><td class=\"num\">1</td>", first)
    services.ticket_reopen(ticket=week["t1"], by=agent)
    services.ticket_reopen(ticket=week["t2"], by=agent)  # not in the week, though
    again = client.get(url, WEEK).content.decode()
    # The reopenings happen "now" (7 December), after the week: its reopen
    # count stays, but its resolutions (t1, t2 lost theirs) are fewer.
    assert re.search(r"해결된 티켓</th><td class=\"num\">2</td>", again)


def test_api_summary(as_user, agent, week):
    response = as_user(agent).get("/api/reports/summary", WEEK)
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == {"from": "2026-11-30", "to": "2026-12-06", "bucket": "day"}
    assert data["times"]["overall"]["first_response_median"] == 2 * H
    assert data["sla"]["compliance_percent"] == 75.0
    assert data["flow"][0] == {"bucket": "2026-11-30", "created": 4, "resolved": 2}
    assert data["satisfaction"] == {
        "count": 0,
        "good": 0,
        "bad": 0,
        "good_percent": None,
    }
    slash = as_user(agent).get("/api/reports/summary/", WEEK)
    assert slash.json() == data


def test_api_refuses_requesters_and_anonymous(as_user, api_client, requester):
    assert as_user(requester).get("/api/reports/summary").status_code == 403
    assert api_client.get("/api/reports/summary").status_code == 401


def test_api_bad_input_is_a_400_in_drf_shape(as_user, agent):
    client = as_user(agent)
    response = client.get("/api/reports/summary", {"from": "2026-02-30", "to": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"from", "to"}
    response = client.get(
        "/api/reports/summary", {"from": "9999-12-30", "to": "9999-12-31"}
    )
    assert response.status_code == 400
    assert "2999-12-31" in response.json()["to"][0]
    response = client.get("/api/reports/summary", {"priority": "soon"})
    assert response.status_code == 400
    assert list(response.json()) == ["priority"]


def test_a_cached_dashboard_reads_no_tickets(client, settings, agent, week):
    settings.TICKET_CACHE = True
    client.force_login(agent)
    url = reverse("reports:dashboard")
    client.get(url, WEEK)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, WEEK).status_code == 200
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"tickets_ticket"' not in tables and '"tickets_category"' not in tables
    # Session, user, unread notifications, data version, the fragment.
    assert len(queries.captured_queries) <= 5
