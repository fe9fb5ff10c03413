"""Regressions found by the API fuzzing: bad input is a 400 (or 404), never a 500."""

import json

import pytest
import yaml

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
