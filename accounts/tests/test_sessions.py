"""Sessions and the signed-in user come from Django's own engines (cached_db
sessions, ModelBackend): expired or unknown sessions and inactive users are
signed out, and sign-in matches the e-mail whatever its case."""

import datetime
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.tests.factories import DEFAULT_PASSWORD

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def test_sessions_and_sign_in_are_djangos_own():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    (path,) = settings.AUTHENTICATION_BACKENDS
    backend = import_string(path)
    # Django's ModelBackend: only authenticate() is wrapped, to count failures;
    # the signed-in user is read by Django's own code.
    assert issubclass(backend, ModelBackend)
    assert backend.get_user is ModelBackend.get_user


@pytest.fixture
def saved_session(db):
    store = SessionStore()
    store["colour"] = "파랑"
    store.create()
    return store.session_key


def test_a_saved_session_loads(saved_session):
    assert SessionStore(saved_session)["colour"] == "파랑"


def test_a_session_outlives_the_cache(saved_session):
    cache.clear()  # Redis restarted, or the entry evicted
    assert SessionStore(saved_session)["colour"] == "파랑"


def test_an_expired_session_loads_empty_and_gets_a_new_key(saved_session):
    # The cached copy expires with the session; the row says it is over.
    cache.clear()
    Session.objects.filter(session_key=saved_session).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    store = SessionStore(saved_session)
    assert store.load() == {}
    assert store.session_key is None


def test_an_unknown_session_key_loads_empty(db):
    store = SessionStore("x" * 32)
    assert store.load() == {}
    assert store.session_key is None


def _request_with_session(session_key):
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key)
    return request


def test_a_signed_in_request_gets_its_user_back(requester, client):
    client.force_login(requester)
    request = _request_with_session(client.cookies[settings.SESSION_COOKIE_NAME].value)
    assert get_user(request) == requester


def test_a_deactivated_user_is_signed_out_on_the_next_request(requester, client):
    client.force_login(requester)
    requester.is_active = False
    requester.save()
    request = _request_with_session(client.cookies[settings.SESSION_COOKIE_NAME].value)
    assert not get_user(request).is_authenticated
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_expired_session_signs_the_user_out(requester, client):
    client.force_login(requester)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    cache.clear()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_sign_in_matches_the_email_whatever_its_case(requester):
    user = authenticate(
        RequestFactory().post("/"),
        username=requester.email.upper(),
        password=DEFAULT_PASSWORD,
    )
    assert user == requester
