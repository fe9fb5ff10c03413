"""The ticket API, walked through DESIGN.md's permission matrix row by row.

Four callers: the ticket's requester ("owner"), another requester ("other"),
an agent and an admin. Someone else's ticket answers 404, never 403.
"""

import pytest

from tickets import services
from tickets.models import Comment, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

ROLES = ["owner", "other", "agent", "admin"]


@pytest.fixture
def people(requester, other_requester, agent, admin_user):
    return {
        "owner": requester,
        "other": other_requester,
        "agent": agent,
        "admin": admin_user,
    }


@pytest.fixture
def client_for(people, as_user):
    return lambda role: as_user(people[role])


@pytest.fixture
def worked_ticket(ticket, agent):
    """The owner's ticket with a public reply and an internal note, assigned."""
    services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
    services.ticket_reply(ticket=ticket, by=agent, body="공유기를 재부팅해 보세요.")
    services.ticket_reply(ticket=ticket, by=agent, body="AP 펌웨어 의심", internal=True)
    return Ticket.objects.get(pk=ticket.pk)


def url(ticket=None, suffix=""):
    base = "/api/tickets" if ticket is None else f"/api/tickets/{ticket.pk}"
    return f"{base}/{suffix}" if suffix else base


# --- authentication ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "counts"),
        ("get", "{id}"),
        ("patch", "{id}"),
        ("post", "{id}/close"),
        ("post", "{id}/reopen"),
        ("get", "{id}/comments"),
        ("post", "{id}/comments"),
        ("get", "{id}/events"),
    ],
)
def test_no_credentials_is_401(api_client, ticket, method, suffix):
    path = "/api/tickets" + ("/" + suffix.format(id=ticket.pk) if suffix else "")
    response = getattr(api_client, method)(path, {}, format="json")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers


# --- list, counts ----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_what_the_matrix_allows(client_for, people, make_ticket, role):
    own = make_ticket(title="내 티켓")
    others = make_ticket(requester=people["other"], title="남의 티켓")
    response = client_for(role).get(url())
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    expected = {
        "owner": {own.pk},
        "other": {others.pk},
        "agent": {own.pk, others.pk},
        "admin": {own.pk, others.pk},
    }[role]
    assert ids == expected


@pytest.mark.parametrize("role", ROLES)
def test_counts_cover_visible_tickets_only(
    client_for, people, make_ticket, agent, role
):
    make_ticket()
    make_ticket(status=Status.WAITING, agent=agent)
    make_ticket(requester=people["other"], status=Status.CLOSED, agent=agent)
    response = client_for(role).get("/api/tickets/counts")
    assert response.status_code == 200
    expected = {
        "owner": {"new": 1, "in_progress": 0, "waiting": 1, "resolved": 0, "closed": 0},
        "other": {"new": 0, "in_progress": 0, "waiting": 0, "resolved": 0, "closed": 1},
        "agent": {"new": 1, "in_progress": 0, "waiting": 1, "resolved": 0, "closed": 1},
        "admin": {"new": 1, "in_progress": 0, "waiting": 1, "resolved": 0, "closed": 1},
    }[role]
    assert response.json() == expected


# --- create ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_creates_for_themself(client_for, people, network, role):
    response = client_for(role).post(
        url(),
        {
            "title": "와이파이 불안정",
            "description": "자주 끊깁니다",
            "category": "network",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["requester"]["id"] == people[role].pk
    assert body["status"] == "new" and body["version"] == 1
    assert body["reference"] == f"SD-{body['id']:06d}"
    assert body["category"] == {"slug": "network", "name": "네트워크"}


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 403), ("other", 403), ("agent", 201), ("admin", 201)]
)
def test_only_staff_create_for_a_requester(client_for, people, network, role, status):
    response = client_for(role).post(
        url(),
        {
            "title": "전화 접수",
            "category": "network",
            "requester": people["owner"].email,
        },
        format="json",
    )
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["requester"]["id"] == people["owner"].pk
    else:
        assert not Ticket.objects.exists()


def test_staff_may_name_the_requester_by_id(client_for, people, network):
    response = client_for("agent").post(
        url(),
        {"title": "방문 접수", "category": "network", "requester": people["owner"].pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["requester"]["id"] == people["owner"].pk


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 400), ("agent", 201), ("admin", 201)]
)
def test_only_staff_ask_for_urgent(client_for, network, role, status):
    response = client_for(role).post(
        url(),
        {"title": "서버 다운", "category": "network", "priority": "urgent"},
        format="json",
    )
    assert response.status_code == status
    if status == 400:
        assert list(response.json()) == ["priority"]


# --- retrieve -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 200), ("other", 404), ("agent", 200), ("admin", 200)]
)
def test_retrieve(client_for, worked_ticket, role, status):
    response = client_for(role).get(url(worked_ticket))
    assert response.status_code == status
    if status == 404:
        assert (
            response.json() == {"detail": "찾을 수 없습니다."}
            or "detail" in response.json()
        )


@pytest.mark.parametrize("role", ["owner", "agent", "admin"])
def test_contact_details_follow_the_matrix(client_for, people, worked_ticket, role):
    body = client_for(role).get(url(worked_ticket)).json()
    assert body["assignee"] == {
        "id": people["agent"].pk,
        "name": people["agent"].name,
        **({"email": people["agent"].email} if role in ("agent", "admin") else {}),
    }
    # The requester's e-mail: staff and the requester themself.
    assert body["requester"]["email"] == people["owner"].email
    assert "phone" not in body["assignee"]


def test_requester_never_sees_staff_email_anywhere(client_for, worked_ticket):
    client = client_for("owner")
    texts = [
        client.get(url()).content,
        client.get(url(worked_ticket)).content,
        client.get(url(worked_ticket, "comments")).content,
        client.get(url(worked_ticket, "events")).content,
    ]
    for text in texts:
        assert b"agent1@school.ac.kr" not in text


@pytest.mark.parametrize(
    "path",
    [
        "/api/tickets/abc",
        "/api/tickets/1.5",
        "/api/tickets/-1",
        "/api/tickets/99999999999999999999999",
        "/api/tickets/abc/comments",
        "/api/tickets/abc/events",
    ],
)
def test_non_numeric_or_huge_ids_are_404(client_for, path):
    response = client_for("agent").get(path)
    assert response.status_code == 404
    assert "detail" in response.json()


def test_unknown_id_is_404(client_for, ticket):
    assert (
        client_for("agent").get(f"/api/tickets/{ticket.pk + 1000}").status_code == 404
    )


@pytest.mark.parametrize(
    "path",
    ["/api/tickets", "/api/tickets/", "/api/tickets/counts", "/api/tickets/counts/"],
)
def test_paths_answer_with_and_without_slash(client_for, ticket, path):
    assert client_for("owner").get(path).status_code == 200


def test_detail_and_actions_answer_with_and_without_slash(client_for, ticket):
    client = client_for("agent")
    assert client.get(f"/api/tickets/{ticket.pk}/").status_code == 200
    assert (
        client.post(
            f"/api/tickets/{ticket.pk}/comments/", {"body": "a"}, format="json"
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/tickets/{ticket.pk}/comments", {"body": "b"}, format="json"
        ).status_code
        == 201
    )
    assert (
        client.patch(
            f"/api/tickets/{ticket.pk}/", {"priority": "low"}, format="json"
        ).status_code
        == 200
    )
    assert (
        client.post(f"/api/tickets/{ticket.pk}/close", {}, format="json").status_code
        == 200
    )


# --- patch (staff fields) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 403), ("other", 404), ("agent", 200), ("admin", 200)]
)
@pytest.mark.parametrize(
    "field",
    [
        {"priority": "high"},
        {"status": "waiting"},
        {"category": "email"},
        {"assignee": None},
    ],
)
def test_patch_staff_fields(client_for, ticket, email_category, role, status, field):
    response = client_for(role).patch(url(ticket), field, format="json")
    assert response.status_code == status, response.content
    ticket.refresh_from_db()
    if status == 200:
        key, value = next(iter(field.items()))
        shown = response.json()[key]
        assert (shown["slug"] if key == "category" else shown) == value
    else:
        assert ticket.version == 1


def test_patch_assigns_and_reports_new_version(client_for, people, ticket):
    response = client_for("agent").patch(
        url(ticket),
        {"assignee": people["admin"].pk, "priority": "urgent", "version": 1},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["assignee"]["id"] == people["admin"].pk
    assert (body["status"], body["priority"], body["version"]) == (
        "in_progress",
        "urgent",
        2,
    )


def test_patch_with_stale_version_is_409(client_for, ticket):
    client = client_for("agent")
    assert (
        client.patch(
            url(ticket), {"priority": "high", "version": 1}, format="json"
        ).status_code
        == 200
    )
    response = client.patch(
        url(ticket), {"priority": "low", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert "detail" in response.json()
    ticket.refresh_from_db()
    assert ticket.priority == "high"


# --- close and reopen ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 200), ("other", 404), ("agent", 200), ("admin", 200)]
)
def test_close(client_for, ticket, role, status):
    response = client_for(role).post(url(ticket, "close"), format="json")
    assert response.status_code == status
    ticket.refresh_from_db()
    assert (ticket.status == Status.CLOSED) == (status == 200)
    if status == 200:
        assert response.json()["closed_at"] is not None


def test_close_twice_is_400(client_for, ticket):
    client = client_for("owner")
    assert client.post(url(ticket, "close")).status_code == 200
    response = client.post(url(ticket, "close"))
    assert response.status_code == 400
    assert "status" in response.json()


def test_close_with_stale_version_is_409(client_for, ticket, agent):
    services.ticket_priority_change(ticket=ticket, priority="high", by=agent)
    response = client_for("owner").post(
        url(ticket, "close"), {"version": 1}, format="json"
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 403), ("other", 404), ("agent", 200), ("admin", 200)]
)
def test_reopen(client_for, make_ticket, agent, role, status):
    ticket = make_ticket(status=Status.CLOSED, agent=agent)
    response = client_for(role).post(url(ticket, "reopen"), format="json")
    assert response.status_code == status
    ticket.refresh_from_db()
    assert ticket.status == (Status.IN_PROGRESS if status == 200 else Status.CLOSED)


def test_reopen_of_open_ticket_is_400(client_for, ticket):
    response = client_for("agent").post(url(ticket, "reopen"))
    assert response.status_code == 400
    assert "status" in response.json()


# --- comments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "internal_seen"),
    [
        ("owner", 200, False),
        ("other", 404, False),
        ("agent", 200, True),
        ("admin", 200, True),
    ],
)
def test_comment_list(client_for, worked_ticket, role, status, internal_seen):
    response = client_for(role).get(url(worked_ticket, "comments"))
    assert response.status_code == status
    if status == 200:
        rows = response.json()
        assert [row["internal"] for row in rows] == (
            [False, True] if internal_seen else [False]
        )
        assert ("AP 펌웨어 의심" in response.content.decode()) == internal_seen


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 201), ("other", 404), ("agent", 201), ("admin", 201)]
)
def test_public_reply(client_for, people, ticket, role, status):
    response = client_for(role).post(
        url(ticket, "comments"), {"body": "확인 부탁드립니다."}, format="json"
    )
    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert body["internal"] is False
        assert body["author"]["id"] == people[role].pk


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 403), ("other", 404), ("agent", 201), ("admin", 201)]
)
def test_internal_note(client_for, ticket, role, status):
    response = client_for(role).post(
        url(ticket, "comments"), {"body": "메모", "internal": True}, format="json"
    )
    assert response.status_code == status
    assert Comment.objects.filter(internal=True).exists() == (status == 201)


def test_requester_cannot_comment_on_closed_ticket(client_for, make_ticket, agent):
    ticket = make_ticket(status=Status.CLOSED, agent=agent)
    response = client_for("owner").post(
        url(ticket, "comments"), {"body": "다시 봐주세요"}, format="json"
    )
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not Comment.objects.exists()


def test_empty_comment_is_400(client_for, ticket):
    response = client_for("owner").post(
        url(ticket, "comments"), {"body": ""}, format="json"
    )
    assert response.status_code == 400
    assert "body" in response.json()


def test_requester_reply_reopens_resolved_ticket(client_for, make_ticket, agent):
    ticket = make_ticket(status=Status.RESOLVED, agent=agent)
    client = client_for("owner")
    assert (
        client.post(
            url(ticket, "comments"), {"body": "아직 안 돼요"}, format="json"
        ).status_code
        == 201
    )
    assert client.get(url(ticket)).json()["status"] == "in_progress"


# --- events -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "internal_seen"),
    [
        ("owner", 200, False),
        ("other", 404, False),
        ("agent", 200, True),
        ("admin", 200, True),
    ],
)
def test_event_list(client_for, worked_ticket, role, status, internal_seen):
    response = client_for(role).get(url(worked_ticket, "events"))
    assert response.status_code == status
    if status == 200:
        kinds = [row["kind"] for row in response.json()]
        assert kinds[:4] == ["created", "assigned", "status_changed", "replied"]
        assert ("internal_note" in kinds) == internal_seen
        assert all(not row["internal"] for row in response.json()) != internal_seen


def test_auto_close_event_has_no_actor(client_for, make_ticket, agent):
    ticket = make_ticket(status=Status.RESOLVED, agent=agent)
    services.tickets_auto_close(days=0)
    rows = client_for("owner").get(url(ticket, "events")).json()
    assert rows[-1]["actor"] is None
    assert rows[-1]["new_value"] == "closed"


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x", "category": "nope"}, "category"),
        ({"title": "", "category": "network"}, "title"),
        ({"title": "   ", "category": "network"}, "title"),
        ({"title": "가" * 201, "category": "network"}, "title"),
        ({"category": "network"}, "title"),
        ({"title": "x"}, "category"),
        ({"title": "x", "category": "network", "priority": "critical"}, "priority"),
        ({"title": "x", "category": "network", "location": "x" * 201}, "location"),
        ({"title": "x", "category": 5}, "category"),
    ],
)
def test_bad_create_input_is_400_with_field(client_for, network, payload, field):
    response = client_for("owner").post(url(), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"requester": "nobody@school.ac.kr"}, "requester"),
        ({"requester": "agent2@school.ac.kr"}, "requester"),
        ({"requester": True}, "requester"),
    ],
)
def test_bad_requester_for_staff_create_is_400(
    client_for, other_agent, network, payload, field
):
    response = client_for("agent").post(
        url(), {"title": "x", "category": "network", **payload}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_inactive_category_is_400(client_for):
    from tickets.tests.factories import CategoryFactory

    CategoryFactory(slug="retired", is_active=False)
    response = client_for("owner").post(
        url(), {"title": "x", "category": "retired"}, format="json"
    )
    assert response.status_code == 400
    assert "category" in response.json()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "done"}, "status"),
        ({"status": "new"}, "status"),  # in_progress -> new is never allowed
        ({"priority": "critical"}, "priority"),
        ({"category": "nope"}, "category"),
        ({"assignee": 999999}, "assignee"),
        ({"assignee": "abc"}, "assignee"),
        ({"version": "x"}, "version"),
        ({"version": 0}, "version"),
    ],
)
def test_bad_patch_input_is_400_with_field(client_for, ticket, agent, payload, field):
    services.ticket_status_change(ticket=ticket, status="in_progress", by=agent)
    response = client_for("agent").patch(url(ticket), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_assign_to_requester_is_400(client_for, people, ticket):
    response = client_for("agent").patch(
        url(ticket), {"assignee": people["other"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "assignee" in response.json()
    ticket.refresh_from_db()
    assert ticket.assignee is None and ticket.version == 1


def test_forbidden_transition_is_400(client_for, make_ticket, agent):
    ticket = make_ticket(status=Status.CLOSED, agent=agent)
    response = client_for("agent").patch(
        url(ticket), {"status": "resolved"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


def test_requester_patch_with_urgent_is_403_not_applied(client_for, ticket):
    response = client_for("owner").patch(
        url(ticket), {"priority": "urgent"}, format="json"
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == "medium"


def test_put_and_delete_are_not_allowed(client_for, ticket):
    client = client_for("admin")
    assert client.put(url(ticket), {}, format="json").status_code == 405
    assert client.delete(url(ticket)).status_code == 405
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_non_object_json_body_is_400(client_for, network):
    response = client_for("owner").post(url(), ["title"], format="json")
    assert response.status_code == 400
