"""Fixtures shared by every app's tests."""

import contextlib
import os

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import AdminFactory, AgentFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches (sign-in counters, ticket pages)."""
    from django.core.cache import cache

    yield
    # A test without database access cannot reach the database cache table.
    with contextlib.suppress(Exception):
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, whatever the last one
    activated (the language middleware activates the reader's language for the
    rest of the thread, as Django's LocaleMiddleware does)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def requester(db):
    return UserFactory(email="student1@school.ac.kr", name="김학생")


@pytest.fixture
def other_requester(db):
    return UserFactory(email="student2@school.ac.kr", name="최학생")


@pytest.fixture
def agent(db):
    return AgentFactory(email="agent1@school.ac.kr", name="이담당")


@pytest.fixture
def other_agent(db):
    return AgentFactory(email="agent2@school.ac.kr", name="정담당")


@pytest.fixture
def admin_user(db):
    return AdminFactory(email="admin1@school.ac.kr", name="박관리")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def as_user(api_client):
    """Return an API client authenticated (by JWT) as the given user."""
    from accounts.api.tokens import RefreshToken

    def _as(user):
        client = APIClient()
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return _as


@pytest.fixture(scope="session")
def artifacts_dir():
    """Where browser tests save their screenshots (kept by CI as artifacts)."""
    from pathlib import Path

    # Not under test-results/: pytest-playwright empties that folder when a run starts.
    path = Path(__file__).resolve().parent / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
