"""Search internals: the bigram column, and PostgreSQL plans using the indexes."""

import pytest
from django.db import connection

from tickets import selectors
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_bigrams_cover_every_two_character_piece():
    assert selectors.search_bigrams("메일 수신", "Wi-Fi") == "-F FI I- WI 메일 수신"
    assert selectors.search_bigrams("", "a") == ""


@pytest.mark.parametrize(
    ("q", "index"),
    [
        ("와이파이", "ticket_title_trgm_idx"),
        ("outlook", "ticket_description_trgm_idx"),
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
