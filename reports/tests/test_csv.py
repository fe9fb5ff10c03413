"""CSV downloads: the queue and the report tables; Excel-safe, staff only."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reports.csv_export import BOM, cell, csv_lines
from tickets import services
from tickets.models import Priority, SlaState, Ticket

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.removeprefix(BOM))))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+82-10-1234", "'+82-10-1234"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\rcmd", "'\rcmd"),
        (" =1+1", "' =1+1"),
        ("\n\n@SUM(A1)", "'\n\n@SUM(A1)"),
        ("\x00=1", "'\x00=1"),
        ("＝1+1", "'＝1+1"),
        ("\u3000＋82", "'\u3000＋82"),
        (" 공학관 301호", " 공학관 301호"),
        ("A-1 (e-mail: a@b.kr)", "A-1 (e-mail: a@b.kr)"),
        ("기숙사 A동", "기숙사 A동"),
        (-3, -3),
        (2.5, 2.5),
        (None, ""),
    ],
)
def test_formula_cells_are_neutralised(value, written):
    assert cell(value) == written


def test_korean_survives_a_round_trip():
    text = "".join(csv_lines(["제목", "위치"], [['와이파이, "불안정"', "기숙사\nA동"]]))
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["제목", "위치"], ['와이파이, "불안정"', "기숙사\nA동"]]


@pytest.fixture
def tickets(requester, agent, network):
    made = [
        services.ticket_create(
            by=requester,
            title=title,
            category=network,
            priority=priority,
            location=location,
        )
        for title, priority, location in [
            ("=cmd|' /C calc'!A0", Priority.HIGH, "본관"),
            ("프린터 용지 걸림", Priority.LOW, "@도서관"),
            ("메일 수신 불가", Priority.HIGH, "기숙사"),
        ]
    ]
    services.ticket_assign(ticket=made[2], assignee=agent, by=agent)
    return made


def test_queue_export_has_the_queues_filters_and_neutralised_cells(
    client, agent, tickets
):
    client.force_login(agent)
    response = client.get(reverse("reports:queue_export"), {"priority": "high"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="queue-')
    rows = read_csv(response)
    assert rows[0][:4] == ["번호", "제목", "상태", "우선순위"]
    assert [row[1] for row in rows[1:]] == [
        "메일 수신 불가",  # the queue's order: latest activity first
        "'=cmd|' /C calc'!A0",
    ]
    assert rows[1][0] == tickets[2].reference
    assert rows[1][2] == "처리 중"
    assert rows[1][7] == agent.name


def test_queue_export_in_english_and_default_open_status(client, agent, tickets):
    services.ticket_close(ticket=tickets[0], by=agent)
    agent.language = "en"  # the headers follow the reader's language
    agent.save()
    client.force_login(agent)
    response = client.get(reverse("reports:queue_export"))
    rows = read_csv(response)
    assert rows[0][:3] == ["Reference", "Title", "Status"]
    titles = {row[1] for row in rows[1:]}
    assert titles == {"프린터 용지 걸림", "메일 수신 불가"}  # closed is not open
    assert "'@도서관" in {row[9] for row in rows[1:]}


def test_queue_export_shows_the_service_level_as_the_queue_does_now(
    client, agent, tickets
):
    """The stored state moves at the ticket's next write; the column may not wait."""
    late = tickets[1]
    past = timezone.now() - dt.timedelta(hours=1)
    Ticket.objects.filter(pk=late.pk).update(
        resolution_due_at=past, sla_state=SlaState.OK
    )
    client.force_login(agent)
    response = client.get(
        reverse("reports:queue_export"), {"sla_state": "breached", "status": "open"}
    )
    rows = read_csv(response)
    assert [row[0] for row in rows[1:]] == [late.reference]
    column = rows[0].index("서비스 수준")
    with translation.override("ko"):
        assert rows[1][column] == str(SlaState.BREACHED.label)
    on_time = client.get(reverse("reports:queue_export"), {"status": "open"})
    states = {row[0]: row[column] for row in read_csv(on_time)[1:]}
    with translation.override("ko"):
        assert states[tickets[2].reference] == str(SlaState.OK.label)
        assert states[late.reference] == str(SlaState.BREACHED.label)


def test_queue_export_refuses_a_bad_filter_with_a_message(client, agent):
    client.force_login(agent)
    response = client.get(reverse("reports:queue_export"), {"priority": "soon"})
    assert response.status_code == 400
    assert "soon" in response.content.decode()


def test_requesters_cannot_export(client, requester, tickets):
    client.force_login(requester)
    assert client.get(reverse("reports:queue_export")).status_code == 403
    url = reverse("reports:export_table", kwargs={"table": "summary"})
    assert client.get(url).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("reports:queue_export"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_report_table_export(client, agent, tickets):
    client.force_login(agent)
    url = reverse("reports:export_table", kwargs={"table": "busiest_locations"})
    response = client.get(url, {"period": "week"})
    assert response.status_code == 200
    rows = read_csv(response)
    assert rows[0] == ["위치", "생성"]
    assert sorted(rows[1:]) == [["'@도서관", "1"], ["기숙사", "1"], ["본관", "1"]]


def test_report_table_export_unknown_table_and_bad_period(client, agent):
    client.force_login(agent)
    url = reverse("reports:export_table", kwargs={"table": "nothing"})
    assert client.get(url).status_code == 404
    url = reverse("reports:export_table", kwargs={"table": "summary"})
    assert (
        client.get(url, {"from": "2026-12-06", "to": "2026-01-01"}).status_code == 400
    )
