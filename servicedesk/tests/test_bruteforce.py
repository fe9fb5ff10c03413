"""Sign-in throttling holds across several gunicorn workers hitting one shared store.

A real gunicorn with three workers and the production settings; concurrent
attempts come from many threads at once, on the API, the site's HTML form and the
admin's. The client address is set with X-Forwarded-For, trusted because the
requests come from 127.0.0.1, listed in TRUSTED_PROXIES as a reverse proxy would
be, so each scenario has its own address.
"""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import requests.adapters
from django.db import connection
from django.test import override_settings
from django.utils import translation
from django.utils.html import escape

from accounts.services import SignInLocked
from accounts.tests.factories import DEFAULT_PASSWORD, AdminFactory, UserFactory

from . import live

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 10
LOCKOUT_SECONDS = 4
BURST = 16

# The production hasher, so that the gunicorn workers can check the passwords.
PRODUCTION_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _message(text) -> str:
    with translation.override("en"):
        return escape(str(text))


LOCKED_TEXT = _message(SignInLocked.message)
BAD_LOGIN_TEXT = "The e-mail address or password is incorrect."
SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
ADMIN_BAD_LOGIN_TEXT = "password for a staff account"


class Client:
    """One browser or script: its own cookies, a fixed client address."""

    def __init__(self, base_url: str, address: str):
        self.base_url = base_url
        self.session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_maxsize=BURST)
        self.session.mount("http://", adapter)
        self.session.headers["X-Forwarded-For"] = address
        self.session.cookies.set("django_language", "en")

    def api_login(self, email: str, password: str) -> int:
        response = self.session.post(
            f"{self.base_url}/api/auth/login",
            json={"email": email, "password": password},
            timeout=30,
        )
        return response.status_code

    def form_login(self, email: str, password: str, path: str = SITE_LOGIN) -> str:
        """Sign in on an HTML form (the site's or the admin's); 'ok', 'locked' or
        'invalid'."""
        page = self.session.get(f"{self.base_url}{path}", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        response = self.session.post(
            f"{self.base_url}{path}",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": email,
                "password": password,
            },
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code == 302 and "sessionid" in response.cookies:
            return "ok"
        assert response.status_code == 200, response.status_code
        if LOCKED_TEXT in response.text:
            return "locked"
        invalid = ADMIN_BAD_LOGIN_TEXT if path == ADMIN_LOGIN else BAD_LOGIN_TEXT
        assert _message(invalid) in response.text, response.text[:2000]
        return "invalid"


def _all_at_once(calls):
    """Run the calls in parallel threads released together; their results."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture(scope="module", params=["database", "redis"])
def service(request, tmp_path_factory, django_db_setup):
    """gunicorn on the test database; the shared cache in PostgreSQL or Redis."""
    extra = {}
    if request.param == "redis":
        import redis

        db_number = 13
        extra["REDIS_URL"] = f"redis://127.0.0.1:6379/{db_number}"
        redis_client = redis.Redis(host="127.0.0.1", port=6379, db=db_number)
        redis_client.flushdb()
        request.addfinalizer(redis_client.flushdb)
    with live.gunicorn(
        database_url=live.database_url(connection.settings_dict),
        log_path=tmp_path_factory.mktemp("gunicorn") / "gunicorn.log",
        TRUSTED_PROXIES="127.0.0.1",
        LOGIN_FAILURE_LIMIT=ACCOUNT_LIMIT,
        LOGIN_ADDRESS_FAILURE_LIMIT=ADDRESS_LIMIT,
        LOGIN_FAILURE_WINDOW=60,
        LOGIN_LOCKOUT_SECONDS=LOCKOUT_SECONDS,
        **extra,
    ) as base_url:
        yield base_url


@pytest.fixture
def victim(transactional_db):
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        return UserFactory(email="victim@school.ac.kr")


@pytest.fixture
def admin_victim(transactional_db):
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        return AdminFactory(email="admin-victim@school.ac.kr")


@pytest.fixture
def dorm_student(transactional_db):
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        return UserFactory(email="dorm-student@school.ac.kr")


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_on_the_api_lock_the_account_in_every_worker(
    service, victim
):
    client = Client(service, "10.1.0.1")
    started = time.monotonic()
    codes = _all_at_once(
        [lambda: client.api_login(victim.email, "wrong-guess")] * BURST
    )
    # Only as many guesses as the limit were checked; every other one was refused.
    assert codes.count(401) <= ACCOUNT_LIMIT
    assert codes.count(401) + codes.count(429) == BURST, codes
    # Locked in every worker, on both doors, even with the right password.
    for _ in range(6):
        assert client.api_login(victim.email, DEFAULT_PASSWORD) == 429
    assert Client(service, "10.1.0.2").form_login(victim.email, DEFAULT_PASSWORD) == (
        "locked"
    )
    # The lock ends by itself.
    deadline = started + LOCKOUT_SECONDS + 15
    while client.api_login(victim.email, DEFAULT_PASSWORD) != 200:
        assert time.monotonic() < deadline, "the lock did not end"
        time.sleep(0.5)
    assert time.monotonic() - started >= LOCKOUT_SECONDS - 0.5
    print(
        f"brute force (API): {BURST} concurrent guesses, {codes.count(401)} checked, "
        f"{codes.count(429)} refused; unlocked after "
        f"{time.monotonic() - started:.1f} s"
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_on_the_form_lock_the_account_in_every_worker(
    service, victim
):
    clients = [Client(service, "10.2.0.1") for _ in range(10)]
    results = _all_at_once(
        [lambda c=c: c.form_login(victim.email, "wrong-guess") for c in clients]
    )
    assert results.count("invalid") <= ACCOUNT_LIMIT
    assert results.count("invalid") + results.count("locked") == len(clients)
    assert clients[0].form_login(victim.email, DEFAULT_PASSWORD) == "locked"
    assert clients[1].api_login(victim.email, DEFAULT_PASSWORD) == 429
    deadline = time.monotonic() + LOCKOUT_SECONDS + 15
    while clients[2].form_login(victim.email, DEFAULT_PASSWORD) != "ok":
        assert time.monotonic() < deadline, "the lock did not end"
        time.sleep(0.5)


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_on_the_admin_form_lock_every_door(service, admin_victim):
    clients = [Client(service, "10.4.0.1") for _ in range(10)]
    results = _all_at_once(
        [
            lambda c=c: c.form_login(admin_victim.email, "wrong-guess", ADMIN_LOGIN)
            for c in clients
        ]
    )
    assert results.count("invalid") <= ACCOUNT_LIMIT
    assert results.count("invalid") + results.count("locked") == len(clients)
    # The right password, on every door, from another address too.
    assert clients[0].form_login(admin_victim.email, DEFAULT_PASSWORD, ADMIN_LOGIN) == (
        "locked"
    )
    other = Client(service, "10.4.0.2")
    assert other.api_login(admin_victim.email, DEFAULT_PASSWORD) == 429
    assert other.form_login(admin_victim.email, DEFAULT_PASSWORD) == "locked"
    deadline = time.monotonic() + LOCKOUT_SECONDS + 15
    while other.form_login(admin_victim.email, DEFAULT_PASSWORD, ADMIN_LOGIN) != "ok":
        assert time.monotonic() < deadline, "the lock did not end"
        time.sleep(0.5)


@pytest.mark.django_db(transaction=True)
def test_a_dormitory_address_below_its_limit_still_signs_in(service, dorm_student):
    dorm = "10.3.0.1"
    below_limit = ADDRESS_LIMIT - 3
    codes = _all_at_once(
        [
            lambda n=n: Client(service, dorm).api_login(
                f"roommate{n}@school.ac.kr", "mistyped"
            )
            for n in range(below_limit)
        ]
    )
    assert codes == [401] * below_limit
    assert Client(service, dorm).api_login(dorm_student.email, DEFAULT_PASSWORD) == 200
    assert Client(service, dorm).form_login(dorm_student.email, DEFAULT_PASSWORD) == (
        "ok"
    )
    # Past the address limit the whole address waits, whichever worker answers.
    codes = _all_at_once(
        [
            lambda n=n: Client(service, dorm).api_login(
                f"guesser{n}@school.ac.kr", "mistyped"
            )
            for n in range(6)
        ]
    )
    assert codes.count(401) <= ADDRESS_LIMIT - below_limit
    assert Client(service, dorm).api_login(dorm_student.email, DEFAULT_PASSWORD) == 429
    assert (
        Client(service, "10.3.0.2").api_login(dorm_student.email, DEFAULT_PASSWORD)
        == 200
    )
