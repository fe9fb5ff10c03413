"""The sign-in limits: every door shares one lock (the site's form, the admin,
the API), one e-mail key, one client-address rule, limited password links; and
the Redis failure counters: atomic, always with an expiry, through redis-py's
public client (servicedesk/tests/test_bruteforce.py runs them under gunicorn)."""

import importlib
import re
import threading

import pytest
import redis
from asgiref.sync import async_to_sync
from django.apps import apps
from django.contrib.auth import aauthenticate, authenticate
from django.core import mail
from django.db import IntegrityError
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts import throttling
from accounts.admin import UserCreationForm
from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

REDIS_URL = "redis://127.0.0.1:6379/11"
WINDOW = 60


@pytest.fixture
def redis_counters():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    with override_settings(REDIS_URL=REDIS_URL):
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
    assert counters.increment("signin:fail-account:x", WINDOW) == 1
    assert counters.increment("signin:fail-account:x", WINDOW) == 2
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
    counters.increment("signin:fail-address:y", WINDOW)
    counters.reset("signin:fail-address:y")
    assert client.keys("*") == []


def test_concurrent_increments_each_get_their_own_place(redis_counters):
    counters, _client = redis_counters
    threads = 12
    barrier = threading.Barrier(threads)
    places = []

    def reserve():
        barrier.wait(timeout=10)
        places.append(counters.increment("signin:fail-account:z", WINDOW))

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


# --- Every door shares one lock (issue 15, finding 1) -----------------------------

ADMIN_LOGIN = "/admin/login/?next=/admin/"


def api_login(client, email, password, **extra):
    return client.post(
        "/api/auth/login",
        {"email": email, "password": password},
        format="json",
        **extra,
    )


def form_login(client, url, email, password):
    return client.post(url, {"username": email, "password": password})


def refused_as_locked(response) -> bool:
    errors = response.context["form"].non_field_errors().as_data()
    return [error.code for error in errors] == ["locked"]


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_the_admin_sign_in_is_locked_after_five_failures(client, admin_user):
    for _ in range(5):
        response = form_login(client, ADMIN_LOGIN, admin_user.email, "wrong")
        assert response.status_code == 200
    response = form_login(client, ADMIN_LOGIN, admin_user.email, DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert refused_as_locked(response)
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_failures_on_the_admin_lock_the_api_and_the_site_form(
    client, api_client, admin_user
):
    for _ in range(5):
        form_login(client, ADMIN_LOGIN, admin_user.email, "wrong")
    assert api_login(api_client, admin_user.email, DEFAULT_PASSWORD).status_code == 429
    response = form_login(
        client, reverse("accounts:login"), admin_user.email, DEFAULT_PASSWORD
    )
    assert refused_as_locked(response)


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_failures_on_the_api_lock_the_admin(client, api_client, admin_user):
    for _ in range(5):
        api_login(api_client, admin_user.email, "wrong")
    response = form_login(client, ADMIN_LOGIN, admin_user.email, DEFAULT_PASSWORD)
    assert refused_as_locked(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_calls_without_a_request_and_async_calls_count_too(requester):
    for _ in range(3):
        assert authenticate(username=requester.email, password="wrong") is None
    for _ in range(2):
        assert (
            async_to_sync(aauthenticate)(username=requester.email, password="wrong")
            is None
        )
    assert authenticate(username=requester.email, password=DEFAULT_PASSWORD) is None
    assert throttling.is_locked(requester.email, None)


# --- One e-mail key for sign-in and the limits (finding 4, look-alikes) ------------


@pytest.fixture
def victim(db):
    return UserFactory(email="victim@school.ac.kr")


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_a_look_alike_address_is_no_way_past_the_lock(api_client, victim):
    for _ in range(5):
        assert api_login(api_client, victim.email, "wrong").status_code == 401
    # PostgreSQL's UPPER() turned "ı" (dotless i) into "I": that matched the
    # victim, under a throttle key of its own. Now it names no account.
    assert (
        api_login(api_client, "vıctim@school.ac.kr", DEFAULT_PASSWORD).status_code
        == 401
    )
    # "ſ" (long s) casefolds to "s": the same account, so the same lock.
    for variant in (
        "victim@ſchool.ac.kr",
        "VICTIM@School.AC.KR",
        "ｖｉｃｔｉｍ@school.ac.kr",
    ):
        assert api_login(api_client, variant, DEFAULT_PASSWORD).status_code == 429


@pytest.mark.django_db
def test_a_casefolded_variant_is_the_same_account(api_client, client, victim):
    assert (
        api_login(api_client, "victim@ſchool.ac.kr", DEFAULT_PASSWORD).status_code
        == 200
    )
    client.post(reverse("accounts:password_reset"), {"email": "VICTIM@ſchool.ac.kr"})
    client.post(reverse("accounts:password_reset"), {"email": "vıctim@school.ac.kr"})
    # One link, to the address on the account, not to the one typed.
    assert [message.to for message in mail.outbox] == [["victim@school.ac.kr"]]


@pytest.mark.django_db
def test_a_look_alike_cannot_be_a_second_account(victim):
    with pytest.raises(IntegrityError):
        User.objects.create_user("victim@ſchool.ac.kr")


@pytest.mark.django_db
def test_the_admin_form_refuses_a_look_alike_with_a_clear_error(victim):
    form = UserCreationForm(
        data={
            "email": "victim@ſchool.ac.kr",
            "role": "requester",
            "usable_password": "false",
        }
    )
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["email"]] == ["unique"]


@pytest.mark.django_db
def test_bulk_writes_keep_the_key(victim):
    (created,) = User.objects.bulk_create([User(email="bulk@ſchool.ac.kr")])
    victim.email = "renamed@school.ac.kr"
    User.objects.bulk_update([victim], ["email"])
    assert User.objects.by_email("BULK@school.ac.kr").get() == created
    assert User.objects.by_email("renamed@ſchool.ac.kr").get() == victim


@pytest.mark.django_db
def test_the_migration_fills_every_key(victim):
    migration = importlib.import_module("accounts.migrations.0004_user_email_key")
    User.objects.filter(pk=victim.pk).update(email_key="stale")
    migration.fill_email_keys(apps, None)
    assert User.objects.get(pk=victim.pk).email_key == "victim@school.ac.kr"


# --- The client's address (finding 4, X-Forwarded-For) -----------------------------


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        # Nothing trusted (the default): the header is never read.
        ([], "192.0.2.1", "203.0.113.9", "192.0.2.1"),
        # A request from the proxy: the address the proxy appended.
        (["127.0.0.1"], "127.0.0.1", "203.0.113.9", "203.0.113.9"),
        # ... not whatever the client wrote before it.
        (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        # Two proxies of ours in a trusted network.
        (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
        # The header from anyone else is ignored.
        (["10.0.0.0/8"], "192.0.2.1", "203.0.113.9", "192.0.2.1"),
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    trusted, remote, forwarded, client
):
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    with override_settings(TRUSTED_PROXIES=trusted):
        assert throttling.client_address(request) == client


@pytest.mark.django_db
@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=8, LOGIN_FAILURE_LIMIT=5)
def test_a_spoofed_forwarded_for_gets_no_fresh_tries_by_default(api_client, requester):
    for n in range(8):
        api_login(
            api_client,
            f"nobody{n}@school.ac.kr",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    response = api_login(
        api_client,
        requester.email,
        DEFAULT_PASSWORD,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 429


@pytest.mark.django_db
@override_settings(
    LOGIN_ADDRESS_FAILURE_LIMIT=8, LOGIN_FAILURE_LIMIT=5, TRUSTED_PROXIES=["127.0.0.1"]
)
def test_behind_a_trusted_proxy_each_client_has_its_own_count(api_client, requester):
    for n in range(8):
        api_login(
            api_client,
            f"nobody{n}@school.ac.kr",
            "wrong",
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )
    blocked = api_login(
        api_client,
        requester.email,
        DEFAULT_PASSWORD,
        HTTP_X_FORWARDED_FOR="203.0.113.1",
    )
    other = api_login(
        api_client,
        requester.email,
        DEFAULT_PASSWORD,
        HTTP_X_FORWARDED_FOR="203.0.113.2",
    )
    assert (blocked.status_code, other.status_code) == (429, 200)


# --- Password-link requests (finding 6) --------------------------------------------


def reset_answer(client, email, **extra):
    """What a reset request answers, with the e-mail typed and CSRF left out."""
    response = client.post(
        reverse("accounts:password_reset"), {"email": email}, **extra
    )
    body = response.content.decode().replace(email, "EMAIL")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return response.status_code, response.get("Location"), body


@pytest.mark.django_db
@override_settings(PASSWORD_RESET_LIMIT=3, PASSWORD_RESET_ADDRESS_LIMIT=100)
def test_reset_requests_for_one_address_are_limited_alike_for_any_email(
    client, requester
):
    known = [reset_answer(client, requester.email) for _ in range(5)]
    unknown = [reset_answer(client, "ghost@school.ac.kr") for _ in range(5)]
    assert len(mail.outbox) == 3
    assert known == unknown
    assert [status for status, _location, _body in known] == [302, 302, 302, 200, 200]
    assert 'role="alert"' in known[-1][2]


@pytest.mark.django_db
@override_settings(PASSWORD_RESET_LIMIT=3, PASSWORD_RESET_ADDRESS_LIMIT=4)
def test_reset_requests_from_one_client_address_are_limited(client, requester):
    for n in range(4):
        assert reset_answer(client, f"someone{n}@school.ac.kr")[0] == 302
    assert reset_answer(client, requester.email)[0] == 200
    assert mail.outbox == []
    assert reset_answer(client, requester.email, REMOTE_ADDR="10.0.0.9")[0] == 302
    assert len(mail.outbox) == 1
