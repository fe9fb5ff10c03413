"""A small hand-made week of tickets, made through the services at set times.

The week of Monday 30 November 2026 in Seoul (working hours 9 to 18, the SLA
calendar's defaults; medium: first response 9 h, resolution 45 h; urgent:
1 h and 4 h). Working seconds of each ticket are in the comments; the tests
check the medians and percentiles against them.
"""

import datetime as dt

import pytest

from sla.tests.conftest import default_calendar, frozen, seoul  # noqa: F401
from tickets import services
from tickets.models import Priority, Status
from tickets.tests.factories import CategoryFactory

H = 3600
WEEK = (dt.date(2026, 11, 30), dt.date(2026, 12, 6))


@pytest.fixture
def network(db):
    return CategoryFactory(slug="network", name_ko="네트워크", name_en="Network")


@pytest.fixture
def email_category(db):
    return CategoryFactory(slug="email", name_ko="이메일", name_en="E-mail")


@pytest.fixture
def week(frozen, requester, agent, other_agent, network, email_category):  # noqa: F811
    """Eight tickets; returns them by name (t1 … t8)."""

    def create(at, category=network, priority=Priority.MEDIUM, **fields):
        frozen(at)
        by = agent if priority == Priority.URGENT else requester
        return services.ticket_create(
            by=by,
            requester=requester,
            title="테스트",
            category=category,
            priority=priority,
            **fields,
        )

    def reply(ticket, at, by=agent):
        frozen(at)
        return services.ticket_reply(ticket=ticket, by=by, body="확인했습니다.").ticket

    def status(ticket, at, to):
        frozen(at)
        return services.ticket_status_change(ticket=ticket, status=to, by=agent)

    t = {}
    # Just after midnight in Seoul: still Sunday 29 November in UTC.
    t["t8"] = create(seoul(2026, 11, 30, 0, 10))
    t["t1"] = create(seoul(2026, 11, 30, 10), location="본관 101호")
    reply(t["t1"], seoul(2026, 11, 30, 11))  # first response 1 h
    status(t["t1"], seoul(2026, 11, 30, 13), Status.RESOLVED)  # resolution 3 h
    t["t7"] = create(
        seoul(2026, 11, 30, 10), category=email_category, priority=Priority.URGENT
    )
    reply(t["t7"], seoul(2026, 11, 30, 12))  # 2 h: over the urgent 1 h target
    status(t["t7"], seoul(2026, 11, 30, 13), Status.RESOLVED)  # 3 h
    t["t2"] = create(seoul(2026, 11, 30, 17), location="본관 101호")
    reply(t["t2"], seoul(2026, 12, 1, 10))  # 1 h Monday + 1 h Tuesday
    status(t["t2"], seoul(2026, 12, 2, 9), Status.RESOLVED)  # 1 + 9 = 10 h
    t["t3"] = create(seoul(2026, 12, 1, 9), location="기숙사 A동")
    reply(t["t3"], seoul(2026, 12, 1, 12))  # 3 h
    status(t["t3"], seoul(2026, 12, 1, 18), Status.RESOLVED)  # 9 h, then:
    frozen(seoul(2026, 12, 3, 10))
    services.ticket_reopen(ticket=t["t3"], by=agent)
    status(t["t3"], seoul(2026, 12, 3, 12), Status.RESOLVED)  # 9 + 9 + 3 = 21 h
    t["t4"] = create(seoul(2026, 12, 2, 10), category=email_category)
    services.ticket_assign(ticket=t["t4"], assignee=other_agent, by=agent)
    reply(t["t4"], seoul(2026, 12, 2, 14), by=other_agent)  # 4 h, stays open
    # Sunday 08:30 in Seoul is Saturday 23:30 in UTC: Sunday's bucket here.
    t["t6"] = create(seoul(2026, 12, 6, 8, 30))
    # Monday 00:30 in Seoul, still Sunday in UTC: after the week.
    t["t5"] = create(seoul(2026, 12, 7, 0, 30))
    frozen(seoul(2026, 12, 7, 12))
    return t
