"""Search internals: the stored search columns, and PostgreSQL plans using the
indexes."""

import pytest
from django.db import connection

from tickets import selectors, services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_bigrams_cover_every_two_character_piece():
    assert selectors.search_bigrams("메일 수신", "Wi-Fi") == "-F FI I- WI 메일 수신"
    assert selectors.search_bigrams("", "a") == ""


def _stored_and_expected(ticket) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_text, UPPER(title || ' ' || description) "
            "FROM tickets_ticket WHERE id = %s",
            [ticket.pk],
        )
        return cursor.fetchone()


def test_search_text_is_the_upper_cased_title_and_description(make_ticket, agent):
    ticket = make_ticket(title="Outlook 메일 오류", description="Error 0x800CCC0E")
    stored, expected = _stored_and_expected(ticket)
    assert stored == expected == "OUTLOOK 메일 오류 ERROR 0X800CCC0E"

    services.ticket_details_update(ticket=ticket, by=agent, title="Wi-Fi 끊김")
    stored, expected = _stored_and_expected(ticket)
    assert stored == expected == "WI-FI 끊김 ERROR 0X800CCC0E"

    # The instance a service returns reads the new value, not a stale one.
    ticket = services.ticket_details_update(ticket=ticket, by=agent, description="")
    assert ticket.search_text == "WI-FI 끊김 "


def _found(q: str) -> set[int]:
    return set(
        selectors.ticket_search(Ticket.objects.all(), q).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("100%", {"percent"}),
        ("0%", {"percent"}),
        ("%", {"percent"}),
        ("a_b", {"underscore"}),
        ("_b", {"underscore"}),
        ("_", {"underscore"}),
        ("c:\\temp", {"backslash"}),
        ("\\", {"backslash"}),
    ],
)
def test_wildcards_in_a_term_match_literally(make_ticket, q, expected):
    tickets = {
        "percent": make_ticket(title="디스크 100% 사용"),
        "no_percent": make_ticket(title="디스크 1000 사용"),
        "underscore": make_ticket(title="파일 a_b.txt"),
        "no_underscore": make_ticket(title="파일 axb.txt"),
        "backslash": make_ticket(title="경로", description="C:\\TEMP 폴더"),
        "no_backslash": make_ticket(title="경로", description="C:/TEMP 폴더"),
    }
    assert _found(q) == {tickets[name].pk for name in expected}


@pytest.mark.parametrize("q", ["터고장", "터고", "TER원"])
def test_a_term_does_not_match_across_title_and_description(make_ticket, q):
    make_ticket(title="프린터", description="고장 신고")
    make_ticket(title="Printer", description="원격 지원")
    assert _found(q) == set()


@pytest.mark.parametrize(
    ("q", "index"),
    [
        ("와이파이", "ticket_search_text_trgm_idx"),
        ("outlook", "ticket_search_text_trgm_idx"),
        ("메일", "ticket_bigrams_idx"),
    ],
)
def test_postgres_search_uses_the_indexes(make_ticket, q, index):
    assert connection.vendor == "postgresql", "the suite runs on PostgreSQL"
    for number in range(30):
        make_ticket(title=f"기타 문의 {number}", description="내용 없음")
    queryset = selectors.ticket_search(Ticket.objects.order_by(), q)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


def test_the_column_indexes_of_0003_are_gone():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'tickets_ticket'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"ticket_search_text_trgm_idx", "ticket_bigrams_idx"} <= names
    assert not names & {"ticket_title_trgm_idx", "ticket_description_trgm_idx"}
