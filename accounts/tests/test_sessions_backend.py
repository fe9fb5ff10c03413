"""The session store and auth backend read their rows by SQL compiled once,
with Django's behaviour: expired or unknown sessions, inactive users."""

import datetime

import pytest
from django.contrib.auth import get_user, login
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.utils import timezone

from accounts.backends import _USER, UserBackend
from accounts.sessions import _SESSION, SessionStore


@pytest.fixture
def saved_session(db):
    store = SessionStore()
    store["colour"] = "파랑"
    store.create()
    return store.session_key


def test_a_saved_session_loads(saved_session):
    assert SessionStore(saved_session)["colour"] == "파랑"
    assert _SESSION.is_prepared()


def test_an_expired_session_loads_empty_and_gets_a_new_key(saved_session):
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


def test_the_backend_gives_the_user_and_refuses_inactive_ones(requester):
    backend = UserBackend()
    assert backend.get_user(requester.pk) == requester
    assert _USER.is_prepared()
    requester.is_active = False
    requester.save()
    assert backend.get_user(requester.pk) is None
    assert backend.get_user(requester.pk + 1000) is None
    assert backend.get_user("not a number") is None


def test_a_signed_in_request_gets_its_user_back(requester, client):
    client.force_login(requester)
    request = RequestFactory().get("/")
    request.session = SessionStore(client.cookies["sessionid"].value)
    assert get_user(request) == requester


def test_signing_in_through_the_backend_works(requester):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    login(request, requester, backend="accounts.backends.UserBackend")
    request.session.save()
    again = RequestFactory().get("/")
    again.session = SessionStore(request.session.session_key)
    assert get_user(again) == requester
