"""The ticket list: filters, text search, ordering, cursor pages, query count."""

from urllib.parse import quote

import pytest

from tickets import services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def staff_client(as_user, agent):
    return as_user(agent)


@pytest.fixture
def varied(make_ticket, agent, other_agent, other_requester, email_category):
    """Tickets in several statuses, priorities, categories and hands."""
    return {
        "wifi": make_ticket(
            title="기숙사 와이파이 불안정", description="3층 연결 끊김", priority="high"
        ),
        "mail": make_ticket(
            title="메일 수신 오류",
            description="Outlook shows an ERROR",
            category=email_category,
            priority="low",
        ),
        "printer": services.ticket_assign(
            ticket=make_ticket(title="프린터 고장", requester=other_requester),
            assignee=agent,
            by=agent,
        ),
        "account": services.ticket_assign(
            ticket=make_ticket(title="계정 잠김", status=Status.WAITING, agent=agent),
            assignee=other_agent,
            by=agent,
        ),
        "closed": make_ticket(
            title="강의실 빔프로젝터",
            status=Status.CLOSED,
            agent=agent,
            by=agent,
            priority="urgent",
            requester=other_requester,
        ),
    }


# --- filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=new", {"wifi", "mail"}),
        ("status=new,waiting", {"wifi", "mail", "account"}),
        ("status=closed", {"closed"}),
        ("priority=high,urgent", {"wifi", "closed"}),
        ("category=email", {"mail"}),
        ("category=unknown", set()),
        ("assignee=me", {"printer"}),
        ("assignee=none", {"wifi", "mail", "closed"}),
        ("status=in_progress&assignee=me", {"printer"}),
    ],
)
def test_filters(staff_client, varied, query, expected):
    found = set(ids(staff_client.get(f"/api/tickets?{query}")))
    assert found == {varied[name].pk for name in expected}


def test_filter_by_assignee_id(staff_client, varied, other_agent):
    found = ids(staff_client.get(f"/api/tickets?assignee={other_agent.pk}"))
    assert found == [varied["account"].pk]


def test_staff_filter_by_requester(staff_client, varied, other_requester):
    found = set(ids(staff_client.get(f"/api/tickets?requester={other_requester.pk}")))
    assert found == {varied["printer"].pk, varied["closed"].pk}


def test_requester_filter_is_ignored_for_requesters(
    as_user, requester, varied, other_requester
):
    client = as_user(requester)
    own = set(ids(client.get("/api/tickets")))
    assert set(ids(client.get(f"/api/tickets?requester={other_requester.pk}"))) == own
    assert varied["printer"].pk not in own


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=done", "status"),
        ("status=new,done", "status"),
        ("priority=critical", "priority"),
        ("assignee=someone", "assignee"),
        ("requester=abc", "requester"),
        ("ordering=title", "ordering"),
        ("page_size=0", "page_size"),
        ("page_size=abc", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=eyJvIjoiLXVwZGF0ZWRfYXQiLCJ2IjpbIngiLDFdLCJiIjpmYWxzZX0", "cursor"),
    ],
)
def test_bad_list_parameters_are_400(staff_client, varied, query, field):
    response = staff_client.get(f"/api/tickets?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()


# --- search --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("와이파이", {"wifi"}),
        ("메일", {"mail"}),
        ("수신", {"mail"}),
        ("기숙사 불안정", {"wifi"}),
        ("기숙사 메일", set()),
        ("outlook", {"mail"}),
        ("error", {"mail"}),
        ("er", {"mail"}),
        ("끊김", {"wifi"}),
        ("3층", {"wifi"}),
        ("고", {"printer"}),
        ("없는말", set()),
        ("100%", set()),
        ("_", set()),
    ],
)
def test_search_finds_substrings(staff_client, varied, q, expected):
    found = set(ids(staff_client.get("/api/tickets", {"q": q})))
    assert found == {varied[name].pk for name in expected}


@pytest.mark.parametrize("form", ["SD-{pk:06d}", "sd-{pk:06d}", "{pk}", "SD-{pk}"])
def test_search_by_reference(staff_client, varied, form):
    pk = varied["account"].pk
    found = ids(staff_client.get("/api/tickets", {"q": form.format(pk=pk)}))
    assert pk in found
    assert varied["wifi"].pk not in found


def test_search_never_finds_other_peoples_tickets(as_user, requester, varied):
    client = as_user(requester)
    assert ids(client.get("/api/tickets", {"q": "프린터"})) == []
    assert ids(client.get("/api/tickets", {"q": str(varied["printer"].pk)})) == []


def test_search_does_not_reach_into_internal_notes(as_user, requester, agent, varied):
    services.ticket_reply(
        ticket=varied["wifi"], by=agent, body="비밀메모 내용", internal=True
    )
    for user in (requester, agent):
        assert ids(as_user(user).get("/api/tickets", {"q": "비밀메모"})) == []


def test_search_after_title_correction(staff_client, varied, agent):
    services.ticket_details_update(ticket=varied["wifi"], by=agent, title="무선랜 장애")
    assert ids(staff_client.get("/api/tickets", {"q": "무선"})) == [varied["wifi"].pk]
    assert ids(staff_client.get("/api/tickets", {"q": "와이"})) == []


# --- ordering and pages ------------------------------------------------------------


def test_default_order_is_latest_activity_first(staff_client, varied, agent):
    services.ticket_reply(ticket=varied["wifi"], by=agent, body="확인 중")
    found = ids(staff_client.get("/api/tickets"))
    assert found[0] == varied["wifi"].pk
    expected = list(
        Ticket.objects.order_by("-updated_at", "-id").values_list("pk", flat=True)
    )
    assert found == expected


def test_priority_orders_by_severity_not_alphabet(staff_client, varied):
    rows = staff_client.get("/api/tickets?ordering=-priority").json()["results"]
    assert [row["priority"] for row in rows] == [
        "urgent",
        "high",
        "medium",
        "medium",
        "low",
    ]
    rows = staff_client.get("/api/tickets?ordering=priority").json()["results"]
    assert [row["priority"] for row in rows] == [
        "low",
        "medium",
        "medium",
        "high",
        "urgent",
    ]


@pytest.mark.parametrize(
    "ordering",
    ["-updated_at", "updated_at", "created_at", "-created_at", "priority", "-priority"],
)
def test_cursor_pages_cover_every_ticket_once_in_order(
    staff_client, make_ticket, ordering
):
    priorities = ["low", "medium", "high", "medium", "low", "medium", "high"]
    made = [make_ticket(priority=priorities[i % 7]) for i in range(17)]
    url = f"/api/tickets?ordering={ordering}&page_size=4"
    seen, pages = [], 0
    while url:
        body = staff_client.get(url).json()
        assert len(body["results"]) <= 4
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 5
    assert sorted(seen) == sorted(t.pk for t in made)
    assert len(seen) == len(set(seen))
    unpaged = staff_client.get(f"/api/tickets?ordering={ordering}&page_size=100").json()
    assert seen == [row["id"] for row in unpaged["results"]]


def test_previous_link_goes_back(staff_client, make_ticket):
    for _ in range(7):
        make_ticket()
    first = staff_client.get("/api/tickets?page_size=3").json()
    assert first["previous"] is None
    second = staff_client.get(first["next"]).json()
    assert second["previous"] is not None
    back = staff_client.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]
    third = staff_client.get(second["next"]).json()
    assert len(third["results"]) == 1 and third["next"] is None


def test_page_size_is_capped_at_100(staff_client, make_ticket):
    make_ticket()
    response = staff_client.get("/api/tickets?page_size=5000")
    assert response.status_code == 200


def test_default_page_size_is_25(staff_client, make_ticket):
    for _ in range(26):
        make_ticket()
    body = staff_client.get("/api/tickets").json()
    assert len(body["results"]) == 25 and body["next"]


# --- query count -------------------------------------------------------------------

# The signed-in user (JWT); the page's ids in a transaction of their own planned
# for their values (savepoint, SET LOCAL, ids, release: the test runs inside a
# transaction); the page's rows with their people. No N+1.
LIST_QUERIES = 6
# Staff searching (`q`) also read the ids of the people each word names, to
# find tickets by their requester's name or e-mail: one query per word.
PEOPLE_QUERIES = {"agent": 1, "requester": 0}
# Staff also get the rows' tags (internal): one prefetch for the page.
TAG_QUERIES = {"agent": 1, "requester": 0}


@pytest.mark.parametrize("page_size", [1, 5, 40])
@pytest.mark.parametrize("role", ["requester", "agent"])
def test_list_runs_fixed_number_of_queries(
    as_user,
    make_ticket,
    agent,
    other_agent,
    network,
    email_category,
    django_assert_num_queries,
    page_size,
    role,
    request,
):
    for index in range(41):
        ticket = make_ticket(category=(network, email_category)[index % 2])
        services.ticket_assign(
            ticket=ticket, assignee=(agent, other_agent)[index % 2], by=agent
        )
    client = as_user(request.getfixturevalue(role))
    with django_assert_num_queries(
        LIST_QUERIES + PEOPLE_QUERIES[role] + TAG_QUERIES[role]
    ):
        response = client.get(
            # Percent-encoded, as a real client sends it.
            f"/api/tickets?page_size={page_size}&q={quote('티켓')}&status=in_progress"
        )
    body = response.json()
    assert len(body["results"]) == page_size
    with django_assert_num_queries(
        LIST_QUERIES + PEOPLE_QUERIES[role] + TAG_QUERIES[role]
    ):
        assert client.get(body["next"]).status_code == 200


def test_counts_run_fixed_number_of_queries(
    as_user, make_ticket, agent, django_assert_num_queries
):
    for _ in range(10):
        make_ticket()
    client = as_user(agent)
    with django_assert_num_queries(2):
        assert client.get("/api/tickets/counts").json()["new"] == 10
