"""The pages' times: `when` writes what Django's timesince and date_format say."""

import datetime
import random

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from tickets.templatetags.tickets_ui import Clock

SECONDS = [
    0,
    59,
    60,
    61,
    3599,
    3600,
    86399,
    86400,
    7 * 86400 - 1,
    7 * 86400,
    28 * 86400 - 1,
    28 * 86400,
    29 * 86400,
    31 * 86400,
    59 * 86400 + 3600,
    365 * 86400,
    800 * 86400,
]
MOMENTS = [
    datetime.datetime(2026, 1, 31, 23, 59, 59, 900000, tzinfo=datetime.UTC),
    datetime.datetime(2026, 2, 28, 12, 0, tzinfo=datetime.UTC),
    datetime.datetime(2024, 2, 29, 0, 0, 30, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 1, 8, 15, 0, 1, tzinfo=datetime.UTC),
]


def expected(moment, now, *, full):
    """`when` as it was written with format_html, timesince and date_format."""
    local = timezone.localtime(moment)
    absolute = date_format(local, "DATETIME_FORMAT")
    if (now - moment).total_seconds() < 60:
        relative = _("just now")
    else:
        relative = _("%(time)s ago") % {"time": timesince(moment, now, depth=1)}
    if full:
        return format_html(
            '<time datetime="{}">{} <span class="abs">({})</span></time>',
            local.isoformat(),
            relative,
            absolute,
        )
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        absolute,
        relative,
    )


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("full", [False, True])
def test_when_writes_the_relative_and_absolute_time(language, full):
    with translation.override(language):
        clock = Clock()
        for moment in MOMENTS:
            for seconds in SECONDS:
                clock.now = moment + datetime.timedelta(seconds=seconds)
                assert clock.when(moment, full) == expected(
                    moment, clock.now, full=full
                ), (moment, seconds)


def test_when_agrees_with_timesince_at_random_times():
    """Month ends, leap days and times of day around the moment's own."""
    rng = random.Random(8)
    start = datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC)
    clock = Clock()
    for _round in range(3000):
        moment = start + datetime.timedelta(seconds=rng.randrange(3 * 365 * 86400))
        span = rng.choice([60, 86400, 40 * 86400, 3 * 365 * 86400])
        clock.now = moment + datetime.timedelta(seconds=rng.randrange(span))
        assert clock.when(moment) == expected(moment, clock.now, full=False)


def test_when_of_nothing_is_empty():
    assert Clock().when(None) == ""
