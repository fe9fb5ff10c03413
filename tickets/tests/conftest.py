"""Fixtures for the tickets tests. Tickets are made through the services."""

import itertools

import pytest

from notifications.tests.conftest import (  # noqa: F401 (the real SMTP server)
    run_worker,
    smtp_port,
    smtp_server,
    smtp_settings,
)
from tickets import services
from tickets.models import Status
from tickets.tests.factories import CategoryFactory

_titles = itertools.count(1)


@pytest.fixture
def network(db):
    return CategoryFactory(slug="network", name_ko="네트워크", name_en="Network")


@pytest.fixture
def email_category(db):
    return CategoryFactory(slug="email", name_ko="이메일", name_en="E-mail")


@pytest.fixture
def notify_calls(monkeypatch):
    """Record every call to notify_ticket_event (and still make it)."""
    from notifications import services as notification_services

    calls = []
    real = notification_services.notify_ticket_event

    def recorder(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(notification_services, "notify_ticket_event", recorder)
    return calls


@pytest.fixture
def make_ticket(requester, network):
    """Open a ticket through the service; `status=` walks it there as an agent."""

    def _make(*, by=None, status=None, agent=None, **fields):
        fields.setdefault("requester", requester)
        fields.setdefault("title", f"테스트 티켓 {next(_titles)}")
        fields.setdefault("category", network)
        ticket = services.ticket_create(by=by or fields["requester"], **fields)
        if status and status != Status.NEW:
            ticket = services.ticket_status_change(
                ticket=ticket, status=status, by=agent
            )
        return ticket

    return _make


@pytest.fixture
def ticket(make_ticket):
    return make_ticket(
        title="기숙사 와이파이 불안정", description="3층에서 연결이 자주 끊깁니다."
    )
