"""A text search is planned for its own term on every run (tickets/search_plans.py):
never a prepared statement's generic plan, which cannot know how selective a
term is. Other statements stay prepared."""

import pytest
from django.db import ProgrammingError, connection
from django.test.utils import CaptureQueriesContext

from tickets import selectors
from tickets.models import Ticket


def _prepared_statements(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def tickets_to_find(make_ticket):
    make_ticket(title="메일 용량 초과", description="받은편지함이 가득 찼습니다.")
    make_ticket(title="프로젝터 고장", description="강의실 프로젝터가 꺼집니다.")


def test_a_search_run_many_times_is_never_prepared(tickets_to_find, agent):
    assert connection.connection.prepare_threshold is not None
    for term in ["메일", "프로젝터"] * 8:
        found = selectors.ticket_search(Ticket.objects.all(), term)
        assert [ticket.title for ticket in found.defer(*selectors.SEARCH_COLUMNS)]
    assert _prepared_statements("search_text") == 0
    assert connection.connection.prepare_threshold is not None


def test_other_statements_are_still_prepared(tickets_to_find):
    for _ in range(8):
        list(Ticket.objects.filter(status="new").values_list("pk", flat=True))
    assert _prepared_statements('"tickets_ticket"."status" = $1') == 1


def test_searches_are_still_counted_as_queries(tickets_to_find):
    with CaptureQueriesContext(connection) as queries:
        list(
            selectors.ticket_search(Ticket.objects.all(), "프로젝터").values_list("pk")
        )
        list(selectors.ticket_search(Ticket.objects.all(), "메일").values_list("pk"))
    assert len(queries) == 2
    assert "LIKE" in queries[0]["sql"]
    assert "string_to_array" in queries[1]["sql"]


def test_a_failing_search_keeps_preparing_for_the_rest(tickets_to_find):
    threshold = connection.connection.prepare_threshold
    with pytest.raises(ProgrammingError), connection.cursor() as cursor:
        cursor.execute("SELECT 1 WHERE 'a' LIKE %s::nosuchtype", ["a"])
    assert connection.connection.prepare_threshold == threshold


def test_a_two_letter_search_is_never_prepared_either(tickets_to_find):
    for _ in range(12):
        found = selectors.ticket_search(Ticket.objects.all(), "메일")
        assert list(found.values_list("title", flat=True)) == ["메일 용량 초과"]
    assert _prepared_statements("string_to_array") == 0
