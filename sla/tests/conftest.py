"""Fixtures for the SLA tests: a category and tickets made through the services."""

import datetime as dt
import zoneinfo

import pytest

from notifications.tests.conftest import (  # noqa: F401 (the real SMTP server)
    smtp_port,
    smtp_server,
    smtp_settings,
)
from tickets.tests.factories import CategoryFactory

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def seoul(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


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
