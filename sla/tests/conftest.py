"""Fixtures for the SLA tests: a category and tickets made through the services."""

import datetime as dt
import importlib
import zoneinfo

import pytest
from django.apps import apps

from notifications.tests.conftest import (  # noqa: F401 (the real SMTP server)
    smtp_port,
    smtp_server,
    smtp_settings,
)
from tickets.models import SlaState, Ticket
from tickets.tests.factories import CategoryFactory

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def seoul(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def forget_sla(*tickets):
    """As if the tickets had been made, or loaded, without service levels."""
    Ticket.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(
        first_response_due_at=None,
        resolution_due_at=None,
        sla_state=SlaState.OK,
        sla_warning_at=None,
        sla_used_seconds=0,
        sla_resumed_at=None,
        first_response_working_seconds=None,
        resolution_working_seconds=None,
        first_answered_at=None,
    )


@pytest.fixture(autouse=True)
def default_calendar(request):
    """The calendar and targets migration 0002 seeds, in every database test.

    A transactional test anywhere in the run empties every table when it ends,
    seeded rows included, so the tests here do not rely on the migration
    having run just before them.
    """
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    seeding = importlib.import_module(
        "sla.migrations.0002_default_calendar_and_targets"
    )
    seeding.seed(apps, None)


@pytest.fixture
def network(db):
    return CategoryFactory(slug="network", name_ko="네트워크", name_en="Network")


@pytest.fixture
def frozen(time_machine):
    """Freeze the clock at a moment: `frozen(seoul(2026, 11, 30, 10))`."""

    def _at(moment):
        time_machine.move_to(moment, tick=False)
        return moment

    return _at
