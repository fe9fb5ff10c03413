"""The report's figures on a small hand-made week (see conftest.py)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from reports.aggregates import _postgresql, _window_functions, percentiles
from reports.periods import Period
from reports.presenters import key_figures
from reports.selectors import report_summary
from tickets import services
from tickets.models import Ticket

from .conftest import WEEK, H

pytestmark = pytest.mark.django_db


THE_WEEK = Period(*WEEK)


def summary(user, period=THE_WEEK, **filters):
    return report_summary(user=user, period=period, filters=filters)


DURATIONS = {
    "t1": (1 * H, 3 * H),
    "t2": (2 * H, 10 * H),
    "t3": (3 * H, 21 * H),
    "t4": (4 * H, None),
    "t5": (None, None),
    "t6": (None, None),
    "t7": (2 * H, 3 * H),
    "t8": (None, None),
}


def stored_durations(tickets) -> dict:
    return {
        name: Ticket.objects.values_list(
            "first_response_working_seconds", "resolution_working_seconds"
        ).get(pk=ticket.pk)
        for name, ticket in tickets.items()
    }


def test_services_store_working_time_to_first_response_and_resolution(week):
    assert stored_durations(week) == DURATIONS


def test_sla_recompute_fills_the_durations_of_tickets_without_them(week):
    Ticket.objects.update(
        first_response_working_seconds=None, resolution_working_seconds=None
    )
    call_command("sla_recompute", stdout=io.StringIO())
    assert stored_durations(week) == DURATIONS


def test_reopening_clears_the_resolution_time(week, agent):
    ticket = services.ticket_reopen(ticket=week["t1"], by=agent)
    assert ticket.resolution_working_seconds is None
    assert ticket.first_response_working_seconds == 1 * H


def test_medians_and_90th_percentiles(week, agent):
    times = summary(agent)["times"]
    # First responses 1, 2, 2, 3, 4 h; resolutions 3, 3, 10, 21 h.
    assert times["overall"] == {
        "key": None,
        "label": "",
        "answered": 5,
        "first_response_median": 2 * H,
        "first_response_p90": round(3.6 * H),  # 3 h + 0.6 × (4 − 3) h
        "resolved": 4,
        "resolution_median": round(6.5 * H),  # between 3 h and 10 h
        "resolution_p90": round(17.7 * H),  # 10 h + 0.7 × (21 − 10) h
    }
    by_category = {row["label"]: row for row in times["by_category"]}
    assert by_category["네트워크"]["first_response_median"] == 2 * H  # 1, 2, 3
    assert by_category["네트워크"]["first_response_p90"] == round(2.8 * H)
    assert by_category["네트워크"]["resolution_median"] == 10 * H  # 3, 10, 21
    assert by_category["이메일"]["first_response_median"] == 3 * H  # 2, 4
    assert by_category["이메일"]["resolution_p90"] == 3 * H  # one value
    by_agent = {row["label"]: row for row in times["by_agent"]}
    assert by_agent["정담당"]["answered"] == 1
    assert by_agent["정담당"]["resolved"] == 0
    assert by_agent["미배정"]["resolved"] == 4


def test_the_window_function_fallback_agrees_with_percentile_cont(week):
    """SQLite's way, run here on PostgreSQL: the same numbers."""
    if connection.vendor != "postgresql":
        pytest.skip("percentile_cont is PostgreSQL's")
    rows = Ticket.objects.filter(first_response_working_seconds__isnull=False)
    for group in (None, "category"):
        arguments = {
            "value": "first_response_working_seconds",
            "group": group,
            "fractions": (0.5, 0.9, 0.0, 1.0),
        }
        ordered_set = _postgresql(rows, **arguments)
        windows = _window_functions(rows, **arguments)
        assert windows.keys() == ordered_set.keys()
        for key, figures in ordered_set.items():
            assert windows[key] == pytest.approx(figures)


def test_percentiles_of_nothing_are_empty(db):
    tickets = Ticket.objects.all()
    assert percentiles(tickets, value="sla_used_seconds", group=None) == {}
    assert percentiles(tickets, value="sla_used_seconds", group="category") == {}


def test_created_and_resolved_per_local_day(week, agent):
    flow = summary(agent)["flow"]
    assert [row["bucket"] for row in flow] == [
        dt.date(2026, 11, 30) + dt.timedelta(days=n) for n in range(7)
    ]
    # Monday: t8 (00:10 in Seoul, Sunday in UTC), t1, t7, t2; Sunday: t6
    # (Saturday in UTC); t5 (Monday 00:30 in Seoul) is after the week.
    assert [row["created"] for row in flow] == [4, 1, 1, 0, 0, 0, 1]
    # t3's first resolution (Tuesday) was undone by its reopening.
    assert [row["resolved"] for row in flow] == [2, 0, 1, 1, 0, 0, 0]


def test_longer_periods_count_per_week_in_local_time(week, agent):
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert period.bucket == "week"
    flow = {row["bucket"]: row for row in summary(agent, period)["flow"]}
    assert min(flow) == dt.date(2026, 10, 26)  # the Monday of 1 November's week
    assert flow[dt.date(2026, 11, 23)]["created"] == 0  # t8 is Monday in Seoul
    assert flow[dt.date(2026, 11, 30)]["created"] == 7
    assert flow[dt.date(2026, 12, 7)]["created"] == 1  # t5
    assert flow[dt.date(2026, 11, 30)]["resolved"] == 4


def test_reopen_count_and_rate(week, agent):
    assert summary(agent)["reopens"] == {
        "reopens": 1,
        "reopened_tickets": 1,
        "resolutions": 5,  # t3 twice
        "rate_percent": 20.0,
    }


def test_sla_compliance_of_resolved_tickets(week, agent):
    sla = summary(agent)["sla"]
    # t7 answered late (2 h for a 1 h target): breached; t1, t2, t3 met.
    assert sla["met"] == 3
    assert sla["breached"] == 1
    assert sla["compliance_percent"] == 75.0
    assert (sla["first_responses_on_time"], sla["first_responses_with_due"]) == (4, 5)
    assert sla["first_response_percent"] == 80.0


def test_backlog_now(week, agent):
    backlog = summary(agent)["backlog"]
    statuses = {row["key"]: row["count"] for row in backlog["by_status"]}
    assert statuses == {
        "new": 3,
        "in_progress": 1,
        "waiting": 0,
        "resolved": 4,
        "closed": 0,
    }
    assert backlog["open"] == 4
    assert [(row["label"], row["count"]) for row in backlog["by_category"]] == [
        ("네트워크", 3),
        ("이메일", 1),
    ]
    assignees = {row["label"]: row["count"] for row in backlog["by_assignee"]}
    assert assignees == {"미배정": 3, "정담당": 1}


def test_busiest_categories_and_locations(week, agent):
    busiest = summary(agent)["busiest"]
    assert busiest["total"] == 7
    assert [(row["label"], row["count"]) for row in busiest["categories"]] == [
        ("네트워크", 5),
        ("이메일", 2),
    ]
    assert [(row["label"], row["count"]) for row in busiest["locations"]] == [
        ("본관 101호", 2),
        ("기숙사 A동", 1),
    ]


def test_filters_narrow_every_figure(week, agent):
    figures = summary(agent, category="email")
    assert figures["busiest"]["total"] == 2
    assert figures["times"]["overall"]["answered"] == 2
    assert figures["reopens"]["reopens"] == 0  # t3 is a network ticket
    assert figures["reopens"]["resolutions"] == 1
    assert figures["backlog"]["open"] == 1
    mine = summary(agent, assignee="none")
    assert mine["backlog"]["open"] == 3


def test_an_empty_period_has_no_figures_not_errors(week, agent):
    figures = summary(agent, Period(dt.date(2025, 1, 1), dt.date(2025, 1, 7)))
    assert figures["times"]["overall"]["first_response_median"] is None
    assert figures["sla"]["compliance_percent"] is None
    assert figures["reopens"]["rate_percent"] is None
    assert figures["busiest"]["total"] == 0


def test_tickets_resolved_counts_resolutions_without_a_measured_duration(week, agent):
    """Rows loaded before `sla_recompute` have no durations, yet were resolved."""
    Ticket.objects.update(resolution_working_seconds=None)
    figures = summary(agent)
    assert figures["times"]["overall"]["resolved"] == 0  # nothing to measure
    with translation.override("en"):
        rows = {str(label): value for label, value in key_figures(figures)}
    assert rows["Tickets resolved"] == 4
