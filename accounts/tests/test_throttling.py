"""The Redis failure counters: atomic, always with an expiry, through redis-py's
public client (servicedesk/tests/test_bruteforce.py runs them under gunicorn)."""

import threading

import pytest
import redis
from django.test import override_settings

from accounts import throttling
from accounts.tests.factories import DEFAULT_PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/11"
WINDOW = 60


@pytest.fixture
def redis_counters():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    with override_settings(REDIS_URL=REDIS_URL, LOGIN_FAILURE_WINDOW=WINDOW):
        counters = throttling._counters()
        assert isinstance(counters, throttling._RedisCounters)
        yield counters, client
    client.flushdb()


def _stored(client):
    """The one counter key in the database, with its value and time to live."""
    (name,) = client.keys("*")
    return int(client.get(name)), client.ttl(name)


def test_a_counter_starts_its_window_and_keeps_its_expiry(redis_counters):
    counters, client = redis_counters
    assert counters.increment("signin:fail-account:x") == 1
    assert counters.increment("signin:fail-account:x") == 2
    value, ttl = _stored(client)
    assert value == 2
    assert 0 < ttl <= WINDOW
    counters.decrement("signin:fail-account:x")
    value, ttl = _stored(client)
    assert value == 1
    assert 0 < ttl <= WINDOW


def test_a_decrement_never_creates_a_counter(redis_counters):
    counters, client = redis_counters
    counters.decrement("signin:fail-account:gone")
    assert client.keys("*") == []


def test_reset_removes_the_counter(redis_counters):
    counters, client = redis_counters
    counters.increment("signin:fail-address:y")
    counters.reset("signin:fail-address:y")
    assert client.keys("*") == []


def test_concurrent_increments_each_get_their_own_place(redis_counters):
    counters, _client = redis_counters
    threads = 12
    barrier = threading.Barrier(threads)
    places = []

    def reserve():
        barrier.wait(timeout=10)
        places.append(counters.increment("signin:fail-account:z"))

    workers = [threading.Thread(target=reserve) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(places) == list(range(1, threads + 1))


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_sign_in_locks_the_account_with_redis_counters(
    redis_counters, api_client, requester
):
    for _ in range(5):
        response = api_client.post(
            "/api/auth/login",
            {"email": requester.email, "password": "wrong"},
            format="json",
        )
        assert response.status_code == 401
    response = api_client.post(
        "/api/auth/login",
        {"email": requester.email, "password": DEFAULT_PASSWORD},
        format="json",
    )
    assert response.status_code == 429
