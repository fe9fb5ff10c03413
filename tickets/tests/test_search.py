"""Search internals: the stored search columns, and PostgreSQL plans using the
indexes."""

import re

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
            "SELECT search_text, UPPER(title || ' ' || description || ' ' || location) "
            "FROM tickets_ticket WHERE id = %s",
            [ticket.pk],
        )
        return cursor.fetchone()


def test_search_text_is_the_upper_cased_title_description_and_location(
    make_ticket, agent
):
    ticket = make_ticket(title="Outlook 메일 오류", description="Error 0x800CCC0E")
    stored, expected = _stored_and_expected(ticket)
    assert stored == expected == "OUTLOOK 메일 오류 ERROR 0X800CCC0E "

    services.ticket_details_update(
        ticket=ticket, by=agent, title="Wi-Fi 끊김", location="Library 2F"
    )
    stored, expected = _stored_and_expected(ticket)
    assert stored == expected == "WI-FI 끊김 ERROR 0X800CCC0E LIBRARY 2F"

    # The instance a service returns reads the new value, not a stale one.
    ticket = services.ticket_details_update(ticket=ticket, by=agent, description="")
    assert ticket.search_text == "WI-FI 끊김  LIBRARY 2F"


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


# --- Location, and the requester's name and e-mail (staff) --------------------------


def _listed(user, q: str) -> set[int]:
    tickets = selectors.ticket_list(user=user, filters={"q": q, "status": "all"})
    return set(tickets.values_list("pk", flat=True))


@pytest.mark.parametrize("q", ["공학관", "공학", "305호", "ENGINEERING"])
def test_search_finds_the_location(make_ticket, agent, requester, q):
    there = make_ticket(title="빔프로젝터 고장", location="공학관 305호 Engineering")
    make_ticket(title="빔프로젝터 고장", location="도서관 2층")
    assert _listed(agent, q) == {there.pk}
    assert _listed(requester, q) == {there.pk}  # their own ticket's text


def test_a_changed_location_is_found(make_ticket, agent):
    ticket = make_ticket(title="프린터")
    services.ticket_details_update(ticket=ticket, by=agent, location="인문관 12호")
    assert _listed(agent, "인문") == {ticket.pk}  # two characters: the bigrams
    assert _listed(agent, "인문관") == {ticket.pk}


@pytest.mark.parametrize(
    "q", ["김학생", "학생", "student1", "STUDENT1@SCHOOL", "김학생 프린터"]
)
def test_staff_find_tickets_by_the_requesters_name_or_email(
    make_ticket, agent, requester, other_requester, q
):
    mine = make_ticket(title="프린터 용지 걸림")
    make_ticket(title="프린터 용지 걸림", requester=other_requester)  # 최학생
    found = _listed(agent, q)
    if q == "학생":  # both names hold it
        assert mine.pk in found and len(found) == 2
    else:
        assert found == {mine.pk}


def test_a_requesters_search_stays_on_their_own_tickets_text(
    make_ticket, requester, other_requester
):
    make_ticket(title="와이파이 끊김")
    make_ticket(title="와이파이 끊김", requester=other_requester)
    assert _listed(requester, "김학생") == set()
    assert _listed(requester, "최학생") == set()
    assert _listed(requester, "student2") == set()


def test_a_renamed_requester_is_found_at_once(make_ticket, agent, requester):
    ticket = make_ticket(title="계정 잠김")
    requester.name = "김개명"
    requester.save()
    assert _listed(agent, "김개명") == {ticket.pk}
    assert _listed(agent, "김학생") == set()


def test_a_word_naming_very_many_people_gives_the_same_answer(
    make_ticket, agent, requester, other_requester, monkeypatch
):
    from tickets.selectors import search

    first = make_ticket(title="메일 오류")
    second = make_ticket(title="메일 오류", requester=other_requester)
    make_ticket(title="다른 문의", requester=agent)
    expected = {first.pk, second.pk}
    assert _listed(agent, "school.ac.kr 메일") == expected
    monkeypatch.setattr(search, "MAX_PEOPLE_IDS", 1)  # a subquery now
    assert _listed(agent, "school.ac.kr 메일") == expected
    assert _listed(agent, "student") == expected


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("q", "index"),
    [("김학생", "user_name_trgm_idx"), ("student1", "user_email_trgm_idx")],
)
def test_postgres_people_search_uses_the_user_indexes(make_ticket, q, index):
    from django.db.models import Q

    from accounts.models import User

    make_ticket()
    people = User.objects.filter(Q(name__icontains=q) | Q(email__icontains=q))
    assert index in _plan(people.order_by().values("pk"))


def test_postgres_staff_search_keeps_the_text_index_beside_the_requester(
    make_ticket, agent
):
    for number in range(30):
        make_ticket(title=f"기타 문의 {number}", description="내용 없음")
    queryset = selectors.ticket_search(Ticket.objects.order_by(), "김학생", people=True)
    plan = _plan(queryset)
    # Two index scans, one on the text and one on the requester, ORed.
    assert "BitmapOr" in plan, plan
    assert "ticket_search_text_trgm_idx" in plan, plan
    assert re.search(r"Index Cond: \(requester_id = ", plan), plan
