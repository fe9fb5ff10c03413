"""A real SMTP server on loopback, and tickets made through the tickets services."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from accounts.models import Language
from accounts.tests.factories import AgentFactory, UserFactory
from tickets.models import Category


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps every accepted mail and can refuse addresses."""

    def __init__(self):
        self.mails = []
        self.refused = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.mails.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "message": message,
            }
        )
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port):
        self.port = port
        self.handler = Collector()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def refuse(self, address):
        self.handler.refused.add(address.lower())

    @property
    def mails(self):
        return self.handler.mails

    def mails_to(self, address):
        return [mail for mail in self.mails if address in mail["rcpt_tos"]]

    @property
    def recipients(self):
        return sorted(rcpt for mail in self.mails for rcpt in mail["rcpt_tos"])


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp_settings(settings, smtp_port):
    """Django's SMTP backend pointed at loopback; the worker sends, not the request."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "IT Service Desk <servicedesk@school.ac.kr>"
    settings.APP_BASE_URL = "https://helpdesk.school.ac.kr"
    settings.NOTIFICATIONS_SEND_INLINE = False
    return settings


@pytest.fixture
def smtp_server(smtp_settings, smtp_port):
    """A running SMTP server (aiosmtpd) on a free loopback port."""
    server = SMTPServer(smtp_port)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down(smtp_settings, smtp_port):
    """Nothing listens on the SMTP port yet; `.start()` brings the server up."""
    server = SMTPServer(smtp_port)
    yield server
    server.stop()


@pytest.fixture
def run_worker():
    def _run():
        call_command("notifications_worker", "--once", verbosity=0)

    return _run


@pytest.fixture
def category(db):
    category, _created = Category.objects.get_or_create(
        slug="network", defaults={"name_ko": "네트워크", "name_en": "Network"}
    )
    return category


@pytest.fixture
def other_category(db):
    category, _created = Category.objects.get_or_create(
        slug="printing", defaults={"name_ko": "인쇄", "name_en": "Printing"}
    )
    return category


@pytest.fixture
def ko_requester(db):
    return UserFactory(
        email="student1@school.ac.kr", name="김학생", language=Language.KOREAN
    )


@pytest.fixture
def en_agent(db):
    return AgentFactory(
        email="agent1@school.ac.kr", name="Lee Agent", language=Language.ENGLISH
    )


@pytest.fixture
def ko_agent(db):
    return AgentFactory(
        email="agent2@school.ac.kr", name="정담당", language=Language.KOREAN
    )
