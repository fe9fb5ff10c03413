"""The worker as a real process: killed mid-send, stopped with SIGTERM, SMTP down.

These tests commit (transactional database) so that a separate
`notifications_worker` process sees the rows, and talk to a real aiosmtpd server.
"""

import asyncio
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications import outbox
from notifications.models import OutboundEmail, OutboundEmailStatus
from tickets import services as tickets

pytestmark = pytest.mark.django_db(transaction=True)

Status = OutboundEmailStatus

# Runs the worker command against the test database and the test SMTP server.
WORKER = """
import sys
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
import django
django.setup()
settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
settings.EMAIL_HOST = "127.0.0.1"
settings.EMAIL_PORT = int(sys.argv[2])
settings.EMAIL_TIMEOUT = 30
settings.NOTIFICATIONS_BACKOFF_BASE_SECONDS = float(sys.argv[3])
from django.core.management import call_command
call_command("notifications_worker", "--interval", "0.2")
"""


@pytest.fixture
def start_worker(smtp_settings, smtp_port, tmp_path):
    processes = []

    def _start(backoff_base=60):
        log = open(tmp_path / f"worker{len(processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                connection.settings_dict["NAME"],
                str(smtp_port),
                str(backoff_base),
            ],
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        return process

    yield _start
    for process, log in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        log.close()


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


class StallingData:
    """Make the server hang in DATA (and never accept) until released."""

    def __init__(self, server):
        self.in_data = threading.Event()
        self.stalling = True
        original = server.handler.handle_DATA

        async def handle_DATA(srv, session, envelope):
            if self.stalling:
                self.in_data.set()
                while self.stalling:
                    await asyncio.sleep(0.05)
                return "451 4.3.0 Try again later"
            return await original(srv, session, envelope)

        server.handler.handle_DATA = handle_DATA


def test_worker_killed_mid_send_loses_nothing_and_sends_once(
    smtp_server, start_worker, ko_requester, category
):
    stall = StallingData(smtp_server)
    tickets.ticket_create(by=ko_requester, title="Killed", category=category)
    row = OutboundEmail.objects.get()

    worker = start_worker()
    assert stall.in_data.wait(timeout=30), "the worker never reached DATA"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    stall.stalling = False

    row.refresh_from_db()
    assert row.status == Status.SENDING
    assert smtp_server.mails == []

    # Another worker, once the dead one's lease is over.
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1)
    assert outbox.process_batch(now=later)["sent"] == 1
    assert outbox.process_batch(now=later + timedelta(hours=1))["claimed"] == 0

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert smtp_server.recipients == [ko_requester.email]


def test_running_worker_delivers_after_smtp_comes_back_exactly_once(
    smtp_down, start_worker, ko_requester, en_agent, category
):
    worker = start_worker(backoff_base=0.5)
    ticket = tickets.ticket_create(by=ko_requester, title="Down", category=category)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="reply while down")

    wait_for(
        lambda: (
            OutboundEmail.objects.filter(attempts__gte=2, status=Status.PENDING).count()
            == 3
        )
    )
    assert smtp_down.mails == []

    smtp_down.start()
    wait_for(lambda: OutboundEmail.objects.filter(status=Status.SENT).count() == 3)
    time.sleep(1.0)  # a while longer: nothing goes twice

    assert sorted(smtp_down.recipients) == sorted(
        [ko_requester.email, ko_requester.email, en_agent.email]
    )
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0


def test_worker_stops_cleanly_on_sigterm(
    smtp_server, start_worker, ko_requester, category
):
    worker = start_worker()
    tickets.ticket_create(by=ko_requester, title="Term", category=category)
    wait_for(lambda: len(smtp_server.mails) == 1)

    worker.send_signal(signal.SIGTERM)

    assert worker.wait(timeout=10) == 0
    assert OutboundEmail.objects.get().status == Status.SENT
