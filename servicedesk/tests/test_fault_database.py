"""PostgreSQL goes away under load and comes back: clean failures, then recovery.

gunicorn (production settings, persistent connections, CONN_HEALTH_CHECKS on)
serves a throwaway cluster; while threads keep requesting, the cluster is
stopped (terminating the sessions of in-flight queries), left down, and started
again. Every request must get an answer in time: 200, or 503 (the health check;
a JSON `detail` under /api/; a small page elsewhere), never a hang, a 500, or a
dropped connection. After the start the same gunicorn, with the same workers,
answers 200 again.
"""

import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from . import live
from .pgcluster import Cluster

REQUEST_TIMEOUT = 15
DEMO_REQUESTER = ("student@example.ac.kr", "demo-requester-1")


def _manage(database_url: str, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=live.ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "servicedesk.tests.live_settings",
            "SECRET_KEY": live.STRONG_KEY,
            "DATABASE_URL": database_url,
        },
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def cluster():
    # Not under pytest's tmp folder: that one is private to root, and the
    # cluster runs as the postgres user.
    root = Path(tempfile.mkdtemp(prefix="servicedesk-pgfault-"))
    cluster = Cluster(root).init()
    cluster.start()
    try:
        database_url = cluster.createdb("servicedesk_fault")
        _manage(database_url, "migrate", "--noinput")
        _manage(database_url, "createcachetable")
        _manage(database_url, "seed_demo")
        yield cluster, database_url
    finally:
        if cluster.is_running():
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


class Traffic:
    """Threads requesting the given paths until stopped; every outcome kept."""

    def __init__(self, base_url: str, paths: list[str], headers: dict):
        self.base_url, self.paths, self.headers = base_url, paths, headers
        self.outcomes: list[tuple[float, str, object, str]] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, args=(path,), daemon=True)
            for path in paths
            for _ in range(2)
        ]

    def _loop(self, path: str) -> None:
        session = requests.Session()
        deadline = time.monotonic() + 120  # bounded whatever happens
        while not self._stop.is_set() and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                response = session.get(
                    f"{self.base_url}{path}",
                    headers=self.headers,
                    timeout=REQUEST_TIMEOUT,
                )
                outcome, body = response.status_code, response.text[:300]
                content_type = response.headers.get("Content-Type", "")
            except requests.RequestException as exc:
                outcome, body, content_type = type(exc).__name__, str(exc), ""
            self.outcomes.append((started, path, outcome, f"{content_type} {body}"))
            time.sleep(0.02)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)


def _credentials(base_url: str) -> dict:
    """Headers of a signed-in requester: a JWT for the API, a session for pages."""
    email, password = DEMO_REQUESTER
    response = requests.post(
        f"{base_url}/api/auth/login",
        json={"email": email, "password": password},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 200, response.text
    browser = requests.Session()
    page = browser.get(f"{base_url}/accounts/login/", timeout=REQUEST_TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    signed_in = browser.post(
        f"{base_url}/accounts/login/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": email,
            "password": password,
        },
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    return {
        "Authorization": f"Bearer {response.json()['access']}",
        "Cookie": f"sessionid={browser.cookies['sessionid']}",
    }


def test_postgresql_restart_fails_cleanly_and_recovers(cluster, tmp_path):
    pg, database_url = cluster
    log_path = tmp_path / "gunicorn.log"
    paths = ["/healthz", "/api/me", "/api/tickets", "/tickets/"]
    with live.gunicorn(database_url=database_url, log_path=log_path, workers=2) as url:
        headers = _credentials(url)
        for path in paths:  # every worker holds a persistent connection now
            for _ in range(4):
                assert requests.get(f"{url}{path}", headers=headers, timeout=10).ok
        with Traffic(url, paths, headers) as traffic:
            time.sleep(1)
            down_at = time.monotonic()
            pg.stop("fast")
            time.sleep(2)
            pg.start()
            up_at = time.monotonic()
            recovered = _wait_for_recovery(url, paths, headers, deadline=up_at + 20)
            time.sleep(1)
        after = [
            requests.get(f"{url}{p}", headers=headers, timeout=10) for p in paths * 5
        ]
        booted = log_path.read_text().count("Booting worker")

    outcomes = traffic.outcomes
    by_outcome = Counter(outcome for _, _, outcome, _ in outcomes)
    assert set(by_outcome) <= {200, 503}, _describe(outcomes)
    during = [o for o in outcomes if down_at + 0.2 <= o[0] <= up_at - 0.2]
    assert during and all(outcome == 503 for _, _, outcome, _ in during), _describe(
        during
    )
    for _, path, outcome, body in outcomes:
        if outcome == 503 and path.startswith("/api/"):
            assert body.startswith("application/json") and '"detail"' in body, body
    assert {path for _, path, outcome, _ in during} == set(paths)
    assert recovered - up_at < 20
    assert [response.status_code for response in after] == [200] * len(after)
    # The same processes: no worker crashed or was replaced.
    assert booted == 2, log_path.read_text()[-3000:]
    print(
        f"postgres restart: {len(outcomes)} requests during the test, "
        f"{by_outcome[503]} answered 503 while down, all 200 again "
        f"{recovered - up_at:.1f} s after the start"
    )


def _wait_for_recovery(url, paths, headers, *, deadline) -> float:
    while time.monotonic() < deadline:
        codes = [
            requests.get(f"{url}{path}", headers=headers, timeout=10).status_code
            for path in paths
        ]
        if codes == [200] * len(paths):
            return time.monotonic()
        time.sleep(0.3)
    raise AssertionError("the service did not recover within 20 s")


def _describe(outcomes) -> str:
    return "\n".join(
        f"{started:.2f} {path} {outcome} {body[:160]}"
        for started, path, outcome, body in outcomes
        if outcome != 200
    )[:5000]


@pytest.mark.django_db
class TestServerErrorHandler:
    """The 500 handler in process: database errors become 503, others stay 500."""

    @pytest.fixture
    def failing(self, monkeypatch):
        def fail_with(error):
            def raise_error(*args, **kwargs):
                raise error

            monkeypatch.setattr(
                "rest_framework_simplejwt.authentication.JWTAuthentication.authenticate",
                raise_error,
            )
            monkeypatch.setattr("tickets.views.home_page", raise_error)

        return fail_with

    def test_api_answers_503_json_when_the_database_is_unreachable(
        self, client, failing
    ):
        from django.db import OperationalError

        failing(OperationalError("connection refused"))
        client.raise_request_exception = False
        response = client.get("/api/me")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "detail" in response.json()

    def test_pages_answer_a_plain_503_page(self, client, failing, requester):
        from django.db import InterfaceError

        client.force_login(requester)
        failing(InterfaceError("connection already closed"))
        client.raise_request_exception = False
        response = client.get("/")
        assert response.status_code == 503
        assert response["Content-Type"].startswith("text/html")
        assert b"503" in response.content

    def test_other_errors_stay_a_500(self, client, failing):
        failing(ZeroDivisionError("a bug"))
        client.raise_request_exception = False
        response = client.get("/api/me")
        assert response.status_code == 500
