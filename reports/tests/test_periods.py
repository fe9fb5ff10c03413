"""Periods in Seoul time, terms and the period form."""

import datetime as dt

import pytest

from reports.forms import PeriodForm
from reports.periods import Period, period_for, term_of

D = dt.date


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (D(2026, 3, 1), D(2026, 3, 1), D(2026, 8, 31)),
        (D(2026, 8, 31), D(2026, 3, 1), D(2026, 8, 31)),
        (D(2026, 9, 1), D(2026, 9, 1), D(2027, 2, 28)),
        (D(2027, 2, 28), D(2026, 9, 1), D(2027, 2, 28)),
        (D(2028, 1, 15), D(2027, 9, 1), D(2028, 2, 29)),  # a leap year
    ],
)
def test_terms_are_the_korean_semesters(day, first, last):
    assert term_of(day) == Period(first, last)


def test_terms_follow_the_setting(settings):
    settings.REPORT_TERM_STARTS = [(9, 1), (1, 15), (6, 1)]
    assert term_of(D(2026, 3, 10)) == Period(D(2026, 1, 15), D(2026, 5, 31))
    assert term_of(D(2026, 12, 31)) == Period(D(2026, 9, 1), D(2027, 1, 14))


def test_week_and_month():
    wednesday = D(2026, 12, 2)
    assert period_for("week", today=wednesday) == Period(
        D(2026, 11, 30), D(2026, 12, 6)
    )
    assert period_for("month", today=wednesday) == Period(
        D(2026, 12, 1), D(2026, 12, 31)
    )


def test_bounds_are_local_midnights():
    period = Period(D(2026, 12, 1), D(2026, 12, 1))
    assert period.start.isoformat() == "2026-12-01T00:00:00+09:00"
    assert period.end.isoformat() == "2026-12-02T00:00:00+09:00"
    assert period.bucket == "day"
    assert Period(D(2026, 1, 1), D(2026, 2, 1)).bucket == "week"


def form(**data):
    return PeriodForm(data, today=D(2026, 12, 2))


def test_no_period_is_this_term():
    bound = form()
    assert bound.is_valid()
    assert bound.get_period() == Period(D(2026, 9, 1), D(2027, 2, 28))


def test_dates_alone_make_a_custom_period():
    bound = form(**{"from": "2026-11-30", "to": "2026-12-06"})
    assert bound.is_valid(), bound.errors
    assert bound.get_period() == Period(D(2026, 11, 30), D(2026, 12, 6))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"from": "2026-12-06", "to": "2026-11-30"}, "to"),
        ({"from": "2026-13-01", "to": "2026-12-06"}, "from"),
        ({"period": "custom", "from": "2026-11-30"}, "__all__"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
        ({"period": "decade"}, "period"),
        ({"from": "9999-12-30", "to": "9999-12-31"}, "to"),  # no day after the last
        ({"from": "0001-01-01", "to": "0001-01-02"}, "from"),
    ],
)
def test_bad_periods_are_refused_with_a_message(data, field):
    bound = form(**data)
    assert not bound.is_valid()
    assert bound.errors[field]
