"""Working-time arithmetic on the school's calendar.

Walks working intervals day by day (adding or subtracting whole intervals),
never minute by minute: a 10-day target costs about ten steps, a 1-hour one
one step.
"""

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field

import holidays
from django.conf import settings

from .models import Closure, SpecialHours, WorkingHours

# A calendar with no working hours at all would never reach a due time.
MAX_DAYS = 3660


def time_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.SLA_TIME_ZONE)


@functools.cache
def korean_holidays(year: int) -> dict[dt.date, str]:
    """Korean public holidays of `year`, substitute holidays included."""
    return dict(holidays.country_holidays("KR", years=year))


@dataclass
class Calendar:
    hours: dict[int, tuple[dt.time, dt.time]]
    closures: dict[dt.date, str] = field(default_factory=dict)
    special: list[tuple[dt.date, dt.date, dt.time, dt.time]] = field(
        default_factory=list
    )
    tz: zoneinfo.ZoneInfo = field(default_factory=time_zone)
    steps: int = 0  # intervals walked so far (the tests read it)

    @classmethod
    def load(cls) -> "Calendar":
        """The calendar as the admins keep it: three small queries."""
        return cls(
            hours={h.weekday: (h.opens, h.closes) for h in WorkingHours.objects.all()},
            closures=dict(Closure.objects.values_list("date", "name")),
            special=list(
                SpecialHours.objects.values_list(
                    "starts_on", "ends_on", "opens", "closes"
                )
            ),
        )

    def is_closed(self, day: dt.date) -> bool:
        return day in self.closures or day in korean_holidays(day.year)

    def interval(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The working interval of `day` (aware datetimes), or None if closed."""
        hours = self.hours.get(day.weekday())
        if hours is None or self.is_closed(day):
            return None
        for starts_on, ends_on, opens, closes in self.special:
            if starts_on <= day <= ends_on:
                hours = (opens, closes)
                break
        opens, closes = hours
        return (
            dt.datetime.combine(day, opens, tzinfo=self.tz),
            dt.datetime.combine(day, closes, tzinfo=self.tz),
        )

    def working_day(self) -> dt.timedelta:
        """The length of a regular working day (the longest weekday's hours)."""
        lengths = [
            dt.datetime.combine(dt.date.min, closes)
            - dt.datetime.combine(dt.date.min, opens)
            for opens, closes in self.hours.values()
        ]
        return max(lengths, default=dt.timedelta(0))

    def add_working_time(
        self, start: dt.datetime, duration: dt.timedelta
    ) -> dt.datetime:
        """The moment `duration` of working time after `start`."""
        start = start.astimezone(self.tz)
        remaining = duration
        if remaining <= dt.timedelta(0):
            return start
        day = start.date()
        for _ in range(MAX_DAYS):
            self.steps += 1
            interval = self.interval(day)
            if interval is not None:
                opens, closes = max(interval[0], start), interval[1]
                if opens < closes:
                    if opens + remaining <= closes:
                        return opens + remaining
                    remaining -= closes - opens
            day += dt.timedelta(days=1)
        raise ValueError("The SLA calendar has no working time ahead.")

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Working time from `a` to `b` (negative if `b` is before `a`)."""
        if b < a:
            return -self.working_time_between(b, a)
        a, b = a.astimezone(self.tz), b.astimezone(self.tz)
        total = dt.timedelta(0)
        day = a.date()
        while day <= b.date():
            self.steps += 1
            interval = self.interval(day)
            if interval is not None:
                opens, closes = max(interval[0], a), min(interval[1], b)
                if opens < closes:
                    total += closes - opens
            day += dt.timedelta(days=1)
        return total


def add_working_time(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    return Calendar.load().add_working_time(start, duration)


def working_time_between(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    return Calendar.load().working_time_between(a, b)
