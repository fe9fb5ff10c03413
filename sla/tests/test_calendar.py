import datetime as dt

import pytest

from sla.calendar import Calendar, korean_holidays
from sla.models import Closure, Policy, SpecialHours, WorkingHours

from .conftest import seoul

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
DAY = 9 * H  # the default working day, 09:00–18:00


def test_default_hours_are_monday_to_friday_nine_to_six():
    hours = {h.weekday: (h.opens, h.closes) for h in WorkingHours.objects.all()}
    assert hours == {day: (dt.time(9), dt.time(18)) for day in range(5)}
    assert Calendar.load().working_day() == DAY


def test_seeded_targets_in_working_minutes():
    targets = {
        p.priority: (p.first_response_minutes, p.resolution_minutes)
        for p in Policy.objects.filter(category=None)
    }
    assert targets == {
        "urgent": (60, 240),
        "high": (240, 2 * 540),
        "medium": (540, 5 * 540),
        "low": (2 * 540, 10 * 540),
    }


def test_across_a_weekend():
    calendar = Calendar.load()
    friday = seoul(2026, 11, 27, 17)
    assert calendar.add_working_time(friday, 2 * H) == seoul(2026, 11, 30, 10)
    assert calendar.working_time_between(friday, seoul(2026, 11, 30, 10)) == 2 * H
    assert calendar.working_time_between(seoul(2026, 11, 30, 10), friday) == -2 * H


def test_start_outside_hours_counts_from_the_next_opening():
    calendar = Calendar.load()
    saturday = seoul(2026, 11, 28, 13)
    assert calendar.add_working_time(saturday, H) == seoul(2026, 11, 30, 10)
    evening = seoul(2026, 11, 30, 20)
    assert calendar.add_working_time(evening, H) == seoul(2026, 12, 1, 10)


def test_chuseok_2026_as_the_holidays_package_has_it():
    names = korean_holidays(2026)
    for day in (24, 25, 26):
        assert dt.date(2026, 9, day) in names
    # No substitute day for Chuseok 2026 in the package (its Saturday does not
    # give one); the Foundation Day on Saturday 3 October does: Monday 5th.
    assert dt.date(2026, 9, 28) not in names
    assert dt.date(2026, 10, 5) in names
    calendar = Calendar.load()
    wednesday = seoul(2026, 9, 23, 17)
    assert calendar.add_working_time(wednesday, 2 * H) == seoul(2026, 9, 28, 10)
    friday = seoul(2026, 10, 2, 17)  # Sat 3rd, Sun 4th, Mon 5th substitute
    assert calendar.add_working_time(friday, 2 * H) == seoul(2026, 10, 6, 10)


def test_seollal_2027_with_its_substitute_day():
    names = korean_holidays(2027)
    for day in (6, 7, 8, 9):  # Sat–Mon, and Tuesday 9th for the Sunday
        assert dt.date(2027, 2, day) in names
    assert "Alternative" in names[dt.date(2027, 2, 9)]
    calendar = Calendar.load()
    friday = seoul(2027, 2, 5, 17)
    assert calendar.add_working_time(friday, 2 * H) == seoul(2027, 2, 10, 10)
    assert calendar.working_time_between(friday, seoul(2027, 2, 10, 10)) == 2 * H


def test_admin_closure_is_skipped():
    Closure.objects.create(date=dt.date(2026, 12, 1), name="개교기념일")
    calendar = Calendar.load()
    monday = seoul(2026, 11, 30, 17)
    assert calendar.add_working_time(monday, 2 * H) == seoul(2026, 12, 2, 10)


def test_vacation_hours_replace_regular_hours():
    SpecialHours.objects.create(
        name="겨울방학",
        starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 2, 26),
        opens=dt.time(10),
        closes=dt.time(16),
    )
    calendar = Calendar.load()
    assert calendar.add_working_time(seoul(2027, 1, 4, 15), 2 * H) == seoul(
        2027, 1, 5, 11
    )
    # A vacation week has 5 × 6 hours; the weekend stays closed.
    assert calendar.working_time_between(
        seoul(2027, 1, 4, 0), seoul(2027, 1, 11, 0)
    ) == (5 * 6 * H)
    # Before the vacation, the regular hours.
    assert calendar.add_working_time(seoul(2026, 12, 31, 17), 2 * H) == seoul(
        2027, 1, 4, 11
    )


def test_ten_days_cost_about_as_much_as_one_hour():
    """The walk steps through days (intervals), never through minutes."""
    start = seoul(2026, 11, 30, 10)
    short = Calendar.load()
    short.add_working_time(start, H)
    long = Calendar.load()
    due = long.add_working_time(start, 10 * DAY)
    assert due == seoul(2026, 12, 14, 10)
    assert short.steps == 1
    assert long.steps <= 16  # 10 working days and two weekends
    between = Calendar.load()
    assert between.working_time_between(start, due) == 10 * DAY
    assert between.steps <= 16


def test_no_working_hours_at_all_is_an_error_not_a_hang():
    calendar = Calendar(hours={})
    with pytest.raises(ValueError):
        calendar.add_working_time(seoul(2026, 11, 30, 10), H)
