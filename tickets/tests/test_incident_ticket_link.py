"""An outage notice seen from the ticket: history, version, the box, unlinking."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tickets import services as ticket_services
from tickets.models import EventKind, Ticket, TicketEvent
from tickets.selectors import ticket_data_version
from tickets.services import incidents as services

pytestmark = pytest.mark.django_db

WIFI = "학내 와이파이 장애"
PROMISE_KO = "장애가 해결되면 여기에 답변드리겠습니다."


@pytest.fixture
def incident(agent, network):
    return services.incident_create(by=agent, title=WIFI, category=network)


def link(incident, agent, *tickets) -> int:
    return services.incident_link_tickets(
        incident=incident, by=agent, ticket_ids=[ticket.pk for ticket in tickets]
    )


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def page(client, ticket) -> str:
    response = client.get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def box(html: str) -> str:
    """The outage notice box of a ticket page ("" if there is none)."""
    found = re.search(r'<div class="alert incident-box".*?</div>', html, re.S)
    return found.group(0) if found else ""


# --- Services ---------------------------------------------------------------------


def test_linking_writes_one_public_event_per_new_ticket_and_moves_its_version(
    make_ticket, agent, incident
):
    first, second = make_ticket(), make_ticket()
    link(incident, agent, first)
    before = {t.pk: (t.version, t.updated_at) for t in map(fresh, (first, second))}
    data_version = ticket_data_version()

    assert link(incident, agent, first, second) == 1  # `first` was linked already

    events = TicketEvent.objects.filter(kind=EventKind.INCIDENT_LINKED)
    assert sorted(events.values_list("ticket_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    event = events.get(ticket=second)
    assert (event.new_value, event.actor, event.internal) == (WIFI, agent, False)
    assert event.field == "incident"
    assert fresh(first).version == before[first.pk][0]  # no change, no new version
    assert fresh(second).version == before[second.pk][0] + 1
    assert fresh(second).updated_at > before[second.pk][1]
    assert fresh(second).incident_id == incident.pk
    assert ticket_data_version() > data_version


def test_linking_costs_the_same_statements_for_two_tickets_or_eight(
    make_ticket, agent, incident, network
):
    def statements(count):
        tickets = [make_ticket() for _ in range(count)]
        notice = services.incident_create(by=agent, title=f"공지 {count}")
        with CaptureQueriesContext(connection) as captured:
            link(notice, agent, *tickets)
        return len(captured)

    # savepoint, notice lock, ticket locks (one SELECT), one UPDATE, one
    # INSERT, the data version, release: none per ticket.
    assert statements(2) == statements(8) == 7


def test_a_form_shown_before_the_link_is_stale_after_it(make_ticket, agent, incident):
    ticket = make_ticket()
    shown = fresh(ticket).version
    link(incident, agent, ticket)
    with pytest.raises(ValidationError) as refused:
        services.incident_unlink_ticket(ticket=ticket, by=agent, version=shown)
    assert refused.value.code == "conflict"
    assert fresh(ticket).incident_id == incident.pk
    assert not TicketEvent.objects.filter(kind=EventKind.INCIDENT_UNLINKED).exists()


def test_unlinking_writes_the_title_and_moves_the_version(make_ticket, agent, incident):
    ticket = make_ticket()
    link(incident, agent, ticket)
    linked = fresh(ticket)
    data_version = ticket_data_version()

    after = services.incident_unlink_ticket(
        ticket=ticket, by=agent, version=linked.version
    )

    assert after.version == linked.version + 1
    assert fresh(ticket).incident_id is None
    assert fresh(ticket).version == linked.version + 1
    event = TicketEvent.objects.get(kind=EventKind.INCIDENT_UNLINKED)
    assert (event.ticket_id, event.old_value, event.internal) == (
        ticket.pk,
        WIFI,
        False,
    )
    assert ticket_data_version() > data_version
    # Resolving the notice now leaves the ticket alone.
    result = services.incident_resolve(incident=incident, by=agent, message="복구됨")
    assert result.resolved == [] and ticket.pk not in result.skipped


def test_unlinking_a_ticket_on_no_notice_is_refused_clearly(make_ticket, agent):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as refused:
        services.incident_unlink_ticket(ticket=ticket, by=agent)
    assert refused.value.message_dict["incident"] == [
        f"{ticket.reference} 티켓은 장애 공지에 연결되어 있지 않습니다."
    ]
    assert refused.value.error_dict["incident"][0].code == "not_linked"
    assert fresh(ticket).version == ticket.version


def test_a_requester_cannot_unlink_their_ticket(
    make_ticket, agent, requester, incident
):
    ticket = make_ticket(requester=requester)
    link(incident, agent, ticket)
    with pytest.raises(PermissionDenied):
        services.incident_unlink_ticket(ticket=ticket, by=requester)
    assert fresh(ticket).incident_id == incident.pk


def test_linking_and_unlinking_notify_nobody(
    make_ticket, agent, incident, notify_calls
):
    ticket = make_ticket()
    notify_calls.clear()
    link(incident, agent, ticket)
    services.incident_unlink_ticket(ticket=ticket, by=agent)
    assert notify_calls == []


# --- The ticket page ----------------------------------------------------------------


def test_the_requester_sees_the_box_in_korean_without_the_unlink_button(
    client, make_ticket, agent, requester, incident
):
    ticket = make_ticket(requester=requester)
    link(incident, agent, ticket)
    client.force_login(requester)
    html = page(client, ticket)
    shown = box(html)
    assert f"이 티켓은 장애 공지 “{WIFI}”(원인 조사 중)에 연결되어 있습니다." in shown
    assert PROMISE_KO in shown
    assert 'id="incident-unlink"' not in html
    assert f'href="/incidents/{incident.pk}/"' not in html  # a staff page
    # Their history says it, in their language.
    assert f"이 티켓을 장애 공지 “{WIFI}”에 연결했습니다." in html
    answer = client.post(
        f"/tickets/{ticket.pk}/incident/unlink/", {"version": fresh(ticket).version}
    )
    assert answer.status_code == 403
    assert fresh(ticket).incident_id == incident.pk


def test_a_ticket_on_no_notice_has_no_box(client, make_ticket, agent):
    ticket = make_ticket()
    client.force_login(agent)
    html = page(client, ticket)
    assert box(html) == ""
    assert 'id="incident-unlink"' not in html


def test_staff_see_the_notice_linked_and_unlink_it_from_the_page(
    client, make_ticket, agent, incident
):
    ticket = make_ticket()
    link(incident, agent, ticket)
    client.force_login(agent)
    shown = box(page(client, ticket))
    assert f'<a href="/incidents/{incident.pk}/">“{WIFI}”</a>' in shown
    assert 'id="incident-unlink"' in shown
    version = re.search(r'name="version" value="(\d+)"', shown).group(1)
    assert int(version) == fresh(ticket).version

    answer = client.post(f"/tickets/{ticket.pk}/incident/unlink/", {"version": version})

    assert answer.status_code == 302
    assert fresh(ticket).incident_id is None
    html = page(client, ticket)
    assert box(html) == ""
    assert "티켓과 장애 공지의 연결을 해제했습니다." in html
    assert f"장애 공지 “{WIFI}”의 연결을 해제했습니다." in html  # the history


def test_unlinking_from_a_stale_page_says_why(client, make_ticket, agent, incident):
    ticket = make_ticket()
    shown = fresh(ticket).version
    link(incident, agent, ticket)
    client.force_login(agent)
    answer = client.post(f"/tickets/{ticket.pk}/incident/unlink/", {"version": shown})
    assert answer.status_code == 302
    assert fresh(ticket).incident_id == incident.pk
    html = page(client, ticket)
    assert "다른 사람이 이 티켓을 먼저 변경했습니다" in html
    assert WIFI in box(html)  # still linked, the button still there


def test_a_resolved_notice_shows_its_status_without_the_promise(
    client, make_ticket, agent, requester, incident
):
    ticket = make_ticket(requester=requester)
    link(incident, agent, ticket)
    services.incident_resolve(
        incident=incident, by=agent, message="복구되었습니다.", limit=0
    )
    client.force_login(requester)
    shown = box(page(client, ticket))
    assert f"“{WIFI}”(해결됨)" in shown
    assert PROMISE_KO not in shown


def test_the_box_speaks_english_to_an_english_reader(
    client, make_ticket, agent, requester, incident
):
    requester.language = "en"
    requester.save(update_fields=["language"])
    ticket = make_ticket(requester=requester)
    link(incident, agent, ticket)
    client.force_login(requester)
    shown = box(page(client, ticket))
    assert (
        f"This ticket is linked to the outage notice “{WIFI}” (Investigating). "
        "We will reply here when it is resolved."
    ) in shown


@override_settings(TICKET_CACHE=True)
@pytest.mark.parametrize("who", ["agent", "requester"])
def test_the_cached_page_shows_the_box_right_after_linking_and_not_after_unlinking(
    client, make_ticket, agent, requester, incident, who
):
    ticket = make_ticket(requester=requester)
    client.force_login({"agent": agent, "requester": requester}[who])
    page(client, ticket)
    assert box(page(client, ticket)) == ""  # from the cache
    link(incident, agent, ticket)
    assert WIFI in box(page(client, ticket))
    assert WIFI in box(page(client, ticket))  # cached again, with the box
    services.incident_unlink_ticket(ticket=ticket, by=agent)
    assert box(page(client, ticket)) == ""


@override_settings(TICKET_CACHE=True)
def test_the_unlink_form_posts_with_this_answers_token_from_a_cached_page(
    make_ticket, agent, incident
):
    ticket = make_ticket()
    link(incident, agent, ticket)
    first = Client(enforce_csrf_checks=True)
    first.force_login(agent)
    page(first, ticket)  # fills the cache
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    html = page(browser, ticket)
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)" form="incident-unlink"', html
    ).group(1)
    version = re.search(r'name="version" value="(\d+)"', box(html)).group(1)
    answer = browser.post(
        f"/tickets/{ticket.pk}/incident/unlink/",
        {"version": version, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302
    assert fresh(ticket).incident_id is None


@override_settings(TICKET_CACHE=False)
def test_the_page_reads_the_notice_in_one_query_only_when_linked(
    client, make_ticket, agent, incident
):
    def notice_queries(ticket) -> tuple[int, list[str]]:
        page(client, ticket)
        with CaptureQueriesContext(connection) as captured:
            page(client, ticket)
        # Read now: the next request starts a new query log.
        sql = [q["sql"] for q in captured.captured_queries]
        return len(sql), [q for q in sql if 'FROM "tickets_incident"' in q]

    plain, linked = make_ticket(), make_ticket()
    link(incident, agent, linked)
    client.force_login(agent)
    without, without_notice = notice_queries(plain)
    with_one, with_notice = notice_queries(linked)
    assert with_one == without + 1
    assert without_notice == []
    assert len(with_notice) == 1 and f'."id" = {incident.pk}' in with_notice[0]


# --- API -------------------------------------------------------------------------------


def test_the_ticket_json_names_its_notice(
    as_user, make_ticket, agent, requester, incident
):
    ticket, plain = make_ticket(requester=requester), make_ticket(requester=requester)
    link(incident, agent, ticket)
    client = as_user(requester)
    detail = client.get(f"/api/tickets/{ticket.pk}").json()
    assert detail["incident"] == {
        "id": incident.pk,
        "title": WIFI,
        "status": "investigating",
    }
    assert client.get(f"/api/tickets/{plain.pk}").json()["incident"] is None
    rows = {row["id"]: row for row in client.get("/api/tickets").json()["results"]}
    assert rows[ticket.pk]["incident"]["title"] == WIFI
    assert rows[plain.pk]["incident"] is None
    events = client.get(f"/api/tickets/{ticket.pk}/events").json()
    linked = [e for e in events if e["kind"] == "incident_linked"]
    assert [e["new_value"] for e in linked] == [WIFI]


@override_settings(TICKET_CACHE=False)
def test_the_api_list_reads_the_notices_in_one_query_only_if_any(
    as_user, make_ticket, agent, incident
):
    tickets = [make_ticket() for _ in range(4)]
    client = as_user(agent)
    client.get("/api/tickets")
    with CaptureQueriesContext(connection) as none_linked:
        client.get("/api/tickets")
    link(incident, agent, *tickets[:3])
    with CaptureQueriesContext(connection) as three_linked:
        rows = client.get("/api/tickets").json()["results"]
    assert len(three_linked) == len(none_linked) + 1
    assert sum(1 for row in rows if row["incident"]) == 3


def test_staff_unlink_through_the_api(as_user, make_ticket, agent, requester, incident):
    ticket = make_ticket()
    link(incident, agent, ticket)
    version = fresh(ticket).version
    url = f"/api/tickets/{ticket.pk}/incident/unlink"

    assert as_user(requester).post(url, {}, format="json").status_code == 403
    stale = as_user(agent).post(url, {"version": version - 1}, format="json")
    assert stale.status_code == 409
    answer = as_user(agent).post(f"{url}/", {"version": version}, format="json")

    assert answer.status_code == 200
    body = answer.json()
    assert body["incident"] is None
    assert body["version"] == version + 1
    again = as_user(agent).post(url, {}, format="json")
    assert again.status_code == 400
    assert "장애 공지에 연결되어 있지 않습니다" in again.json()["incident"][0]


def test_the_schema_documents_the_unlink_endpoint(tmp_path):
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    assert "post" in paths["/api/tickets/{id}/incident/unlink/"]


def test_the_notice_title_in_the_history_is_kept_as_it_was(
    make_ticket, agent, incident
):
    """The entry keeps the title of the day, even if the notice is renamed."""
    ticket = make_ticket()
    link(incident, agent, ticket)
    services.incident_update(incident=incident, by=agent, title="와이파이 복구 작업")
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.INCIDENT_LINKED)
    assert event.new_value == WIFI
    # and the ticket's close form still works with the new version
    ticket_services.ticket_close(ticket=ticket, by=agent, version=fresh(ticket).version)
