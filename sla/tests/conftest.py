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
from tickets.tests.factories import CategoryFactory

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def seoul(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


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
