"""Health check, API docs and the demo seed."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError

from accounts.models import Role, User
from accounts.services import DEMO_ACCOUNTS


@pytest.mark.django_db
class TestHealthz:
    def test_ok_without_touching_the_session(self, client, django_assert_num_queries):
        with django_assert_num_queries(1):
            response = client.get("/healthz")
        assert response.status_code == 200
        assert response.content == b"ok"
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.get("Vary", "")

    def test_answers_with_trailing_slash_too(self, client):
        assert client.get("/healthz/").status_code == 200

    def test_503_when_the_database_fails(self, client, monkeypatch):
        from django.db.backends.utils import CursorWrapper

        def broken(self, sql, params=None):
            raise DatabaseError("database is down")

        monkeypatch.setattr(CursorWrapper, "execute", broken)
        response = client.get("/healthz")
        assert response.status_code == 503


@pytest.mark.django_db
class TestApiDocs:
    def test_schema_is_public_openapi(self, client):
        response = client.get("/api/schema/")
        assert response.status_code == 200
        assert b"openapi: 3" in response.content
        assert b"/api/auth/login" in response.content

    def test_swagger_ui_is_served_without_any_cdn(self, client):
        response = client.get("/api/docs/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "swagger-ui" in body
        for host in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "googleapis"):
            assert host not in body
        assert "<script>" not in body.replace("<script src", "")

    def test_docs_answer_without_trailing_slash(self, client):
        assert client.get("/api/docs").status_code == 200
        assert client.get("/api/schema").status_code == 200


@pytest.mark.django_db
class TestSeedDemo:
    def test_creates_the_demo_accounts_and_is_idempotent(self):
        call_command("seed_demo", verbosity=0)
        first = {(u.email, u.role, u.password) for u in User.objects.all()}
        call_command("seed_demo", verbosity=0)
        second = {(u.email, u.role, u.password) for u in User.objects.all()}
        assert first == second
        assert {(a.email, a.role) for a in DEMO_ACCOUNTS} == {
            (e, r) for e, r, _ in first
        }

    def test_demo_passwords_work(self, api_client):
        call_command("seed_demo", verbosity=0)
        for account in DEMO_ACCOUNTS:
            response = api_client.post(
                "/api/auth/login",
                {"email": account.email, "password": account.password},
                format="json",
            )
            assert response.status_code == 200, account.email

    def test_roles_cover_requester_agent_admin(self):
        call_command("seed_demo", verbosity=0)
        assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
