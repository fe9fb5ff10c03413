"""Regressions found by the API fuzzing: bad input is a 400 (or 404), never a 500."""

import json

import pytest
import yaml
from django.contrib.messages import get_messages
from rest_framework.test import APIClient

from tickets.models import Ticket

from .world import build_world


@pytest.fixture
def world(db, settings, tmp_path):
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"
    return build_world()


def test_a_nul_character_in_a_category_slug_is_a_400(as_user, world):
    response = as_user(world.requester).post(
        "/api/tickets", {"title": "t", "category": "net\x00work"}, format="json"
    )
    assert response.status_code == 400
    assert "category" in response.json()


def test_a_nul_character_in_a_requester_reference_is_a_400(as_user, world):
    response = as_user(world.agent).post(
        "/api/tickets",
        {"title": "t", "category": "network", "requester": "a\x00@school.ac.kr"},
        format="json",
    )
    assert response.status_code == 400
    assert "requester" in response.json()


@pytest.mark.parametrize("body", ["null", "[]", "3", '"text"'])
def test_a_body_that_is_not_an_object_is_a_400(as_user, world, body):
    response = as_user(world.requester).post(
        "/api/tickets", body, content_type="application/json"
    )
    assert response.status_code == 400


# "²" passes str.isdigit() and fails int(); "٣" is a digit to int() but not
# ASCII; 19 nines overflow a bigint; 5,000 digits are past int()'s limit.
# An id in a path is ASCII digits, in a bigint, or no route matches.
THOUSANDS_OF_DIGITS = "1" + "0" * 5000
ODD_PATH_IDS = [
    "%C2%B2",
    "1%C2%B2",
    "%D9%A3",
    "-1",
    "1.5",
    "9" * 19,
    THOUSANDS_OF_DIGITS,
]


@pytest.mark.parametrize("odd", ODD_PATH_IDS, ids=lambda odd: odd[:12])
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/tickets/{}"),
        ("patch", "/api/tickets/{}"),
        ("get", "/api/tickets/{}/comments"),
        ("post", "/api/tickets/{}/comments"),
        ("get", "/api/tickets/{}/events"),
        ("post", "/api/tickets/{}/close"),
        ("get", "/api/tickets/{}/attachments"),
        ("post", "/api/tickets/{}/attachments/presign"),
        ("get", "/api/attachments/{}/download"),
        ("get", "/api/notifications/{}"),
        ("post", "/api/notifications/{}/read"),
    ],
)
def test_an_id_that_is_not_a_bigint_in_ascii_digits_is_a_json_404(
    as_user, world, method, path, odd
):
    response = getattr(as_user(world.agent), method)(
        path.format(odd), {"body": "x", "version": 1}, format="json"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/tickets/9223372036854775807/comments",
        "/api/tickets/9223372036854775807/attachments",
        "/api/attachments/9223372036854775807/download",
        "/api/notifications/9223372036854775807",
    ],
)
def test_the_largest_id_is_simply_not_found(as_user, world, path):
    response = as_user(world.agent).get(path)
    assert response.status_code == 404
    assert list(response.json()) == ["detail"]


def test_an_unknown_api_path_is_a_json_404(as_user, world):
    response = as_user(world.requester).get("/api/no-such-thing")
    assert response.status_code == 404
    assert list(response.json()) == ["detail"]


def test_an_unknown_page_is_still_a_page(client, world):
    client.force_login(world.requester)
    response = client.get("/tickets/%C2%B2/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "size", ["%C2%B2", "1%C2%B2", "0", "-1", "1.5", "x", THOUSANDS_OF_DIGITS]
)
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400(as_user, world, size):
    response = as_user(world.agent).get(f"/api/tickets?page_size={size}")
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


def test_a_huge_page_size_is_the_largest_page(as_user, world):
    response = as_user(world.agent).get(f"/api/tickets?page_size={10**30}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == len(world.tickets)


@pytest.mark.parametrize(
    "requester", ["²", "1²", "-1", 0, 10**30, THOUSANDS_OF_DIGITS], ids=str
)
def test_a_requester_id_that_is_not_a_user_id_is_a_400(as_user, world, requester):
    response = as_user(world.agent).post(
        "/api/tickets",
        {"title": "t", "category": "network", "requester": requester},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["requester"]


@pytest.mark.parametrize(
    "about", ["%C2%B2", "1%C2%B2", "-1", "9" * 23, THOUSANDS_OF_DIGITS]
)
def test_a_follow_up_of_an_odd_id_starts_empty(client, world, about):
    client.force_login(world.requester)
    response = client.get(f"/tickets/new/?about={about}")
    assert response.status_code == 200
    assert response.context["form"].initial == {}


@pytest.mark.parametrize(
    "odd", ["²", "1²", "-1", "", "9" * 23, THOUSANDS_OF_DIGITS], ids=lambda o: o[:12]
)
def test_a_bulk_change_with_an_odd_id_is_refused_with_a_message(client, world, odd):
    client.force_login(world.agent)
    own = world.tickets["own"]
    response = client.post(
        "/queue/bulk/",
        {"tickets": [own.pk, odd], "operation": "assign", "assignee": "none"},
    )
    assert response.status_code == 302
    shown = list(get_messages(response.wsgi_request))
    assert [message.level_tag for message in shown] == ["error"]
    assert Ticket.objects.get(pk=own.pk).assignee == world.agent


# Python's json reads nesting by recursion: about a thousand levels is its end.
DEEP_JSON = ["[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000]
DEEP_IDS = ["open-arrays", "open-objects", "closed-arrays"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", DEEP_JSON, ids=DEEP_IDS)
@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/refresh"])
def test_deeply_nested_json_to_sign_in_is_a_400(path, body):
    response = APIClient().post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize("body", DEEP_JSON, ids=DEEP_IDS)
def test_deeply_nested_json_for_a_ticket_is_a_400(as_user, world, body):
    response = as_user(world.requester).post(
        "/api/tickets", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["detail"]
    # Without signing in, the body is never read: the answer is 401.
    anonymous = APIClient().post("/api/tickets", body, content_type="application/json")
    assert anonymous.status_code == 401


def test_every_operation_that_takes_json_refuses_json_too_deep_to_read(
    as_user, world, client
):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    ids = {
        "/api/notifications/": world.notification_of(world.agent).pk,
        "/api/attachments/": world.public_attachment.pk,
        "/api/tickets/": world.tickets["own"].pk,
        "/api/canned-replies/": world.canned_replies["agent"].pk,
        "/api/incidents/": world.incident.pk,
    }
    # Who may do it, on an object they may do it to: the agent, except for
    # what only a ticket's requester does.
    callers = {"/api/tickets/{id}/satisfaction/": world.requester}
    answers = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "application/json" not in operation.get("requestBody", {}).get(
                "content", {}
            ):
                continue
            pk = next((pk for start, pk in ids.items() if path.startswith(start)), 0)
            caller = callers.get(path, world.agent)
            response = getattr(as_user(caller), method)(
                path.replace("{id}", str(pk)),
                DEEP_JSON[0],
                content_type="application/json",
            )
            answers[f"{method} {path}"] = response.status_code
    assert len(answers) >= 10
    assert set(answers.values()) == {400}, answers


# Deep enough to reach a recursive lookup, shallow enough for the parser.
@pytest.mark.parametrize("depth", [100, 500])
def test_nested_json_within_the_limit_is_refused_by_the_fields(as_user, world, depth):
    nested = "[" * depth + "]" * depth
    body = f'{{"title": {nested}, "category": {nested}, "requester": {nested}}}'
    response = as_user(world.agent).post(
        "/api/tickets", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"title", "category", "requester"} <= set(response.json())
    ticket = world.tickets["own"]
    body = f'{{"category": {nested}, "assignee": {nested}, "status": {nested}}}'
    response = as_user(world.agent).patch(
        f"/api/tickets/{ticket.pk}", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"category", "assignee", "status"} <= set(response.json())


@pytest.mark.parametrize("assignee", ["²", "1²", "-1", "1.5", THOUSANDS_OF_DIGITS])
def test_an_assignee_that_is_not_a_user_id_is_a_400(as_user, world, assignee):
    ticket = world.tickets["own"]
    response = as_user(world.agent).patch(
        f"/api/tickets/{ticket.pk}", {"assignee": assignee}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["assignee"]


def test_notification_routes_take_no_format_suffix(as_user, world):
    client = as_user(world.requester)
    # Read as a notification id, which does not exist.
    assert client.get("/api/notifications/unread-count.json").status_code == 404
    assert client.get("/api/notifications/unread-count").status_code == 200


@pytest.mark.django_db
def test_the_schema_marks_a_persons_email_optional(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    person = schema["components"]["schemas"]["Person"]
    assert "email" in person["properties"]
    assert "email" not in person["required"]
    login = schema["paths"]["/api/auth/login/"]["post"]["responses"]
    assert {"200", "400", "401", "429"} <= set(login)
    assert json.dumps(login["429"]).count("ApiError") == 1
