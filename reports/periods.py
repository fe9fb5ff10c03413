"""Report periods in the school's time zone (settings.TIME_ZONE, Asia/Seoul).

A period is a range of local dates, both ends included; its bounds in time are
local midnights, so a ticket opened at 23:59 KST on the last day belongs to it
and one opened at 00:00 KST the next day does not, whatever UTC says.

Terms follow the Korean school year (REPORT_TERM_STARTS, by default 1 March
and 1 September): the spring term runs 1 March to 31 August, the autumn term
1 September to the end of February.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEEK, MONTH, TERM, CUSTOM = "week", "month", "term", "custom"
# The default (no period given) first: a page's menu shows it selected.
PERIOD_CHOICES = [
    (TERM, _("This term")),
    (MONTH, _("This month")),
    (WEEK, _("This week")),
    (CUSTOM, _("Custom")),
]
# Longer periods are shown by week, not by day.
DAILY_UP_TO_DAYS = 31


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        """The first day's local midnight (aware)."""
        return local_midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        """The local midnight after the last day (exclusive)."""
        return local_midnight(self.last + dt.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def bucket(self) -> str:
        """ "day" or "week": how the created-vs-resolved chart groups."""
        return "day" if self.days <= DAILY_UP_TO_DAYS else "week"


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


def term_starts() -> list[tuple[int, int]]:
    """(month, day) on which terms start, in calendar order."""
    return sorted(settings.REPORT_TERM_STARTS)


def term_of(day: dt.date) -> Period:
    """The term that `day` falls in."""
    starts = [
        dt.date(year, month, first)
        for year in (day.year - 1, day.year, day.year + 1)
        for month, first in term_starts()
    ]
    start = max(when for when in starts if when <= day)
    following = min(when for when in starts if when > day)
    return Period(start, following - dt.timedelta(days=1))


def period_for(kind: str, *, today: dt.date) -> Period:
    """This week (Monday to Sunday), this month or this term, around `today`."""
    if kind == WEEK:
        monday = today - dt.timedelta(days=today.weekday())
        return Period(monday, monday + dt.timedelta(days=6))
    if kind == MONTH:
        first = today.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return Period(first, following - dt.timedelta(days=1))
    if kind == TERM:
        return term_of(today)
    raise ValueError(f"Not a named period: {kind}")


def local_today() -> dt.date:
    return timezone.localdate()
