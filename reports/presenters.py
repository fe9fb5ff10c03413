"""The summary's figures as tables (page, CSV) and chart geometry (SVG).

One list of tables serves the dashboard and the CSV exports, so a table and
its download always show the same numbers. Chart coordinates are computed
here and drawn by templates: SVG attributes, no inline styles (the CSP).
"""

import math
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

HOUR = 3600


@dataclass
class Table:
    name: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    # Columns holding working hours (shown with one decimal).
    note: str = ""


def hours(seconds):
    """Working seconds as hours with one decimal; None stays None."""
    return None if seconds is None else round(seconds / HOUR, 1)


def report_tables(summary: dict) -> dict[str, Table]:
    """Every table of the report, by name (the CSV URLs use the names)."""
    backlog, times = summary["backlog"], summary["times"]
    bucket = (
        pgettext("report column", "Day")
        if summary["period"]["bucket"] == "day"
        else pgettext("report column", "Week of")
    )
    time_columns = [
        _("Answered"),
        _("First response, median (h)"),
        _("First response, 90th percentile (h)"),
        _("Resolved"),
        _("Resolution, median (h)"),
        _("Resolution, 90th percentile (h)"),
    ]
    tables = [
        Table("summary", _("Key figures"), [_("Figure"), _("Value")],
              key_figures(summary)),
        Table("backlog_status", _("Tickets by status, now"),
              [_("Status"), _("Tickets")], _pairs(backlog["by_status"])),
        Table("backlog_category", _("Open tickets by category"),
              [_("Category"), _("Open tickets")], _pairs(backlog["by_category"])),
        Table("backlog_priority", _("Open tickets by priority"),
              [_("Priority"), _("Open tickets")], _pairs(backlog["by_priority"])),
        Table("backlog_assignee", _("Open tickets by assignee"),
              [_("Assignee"), _("Open tickets")], _pairs(backlog["by_assignee"])),
        Table("flow", _("Created and resolved"),
              [bucket, _("Created"), _("Resolved")],
              [[row["bucket"], row["created"], row["resolved"]]
               for row in summary["flow"]]),
        Table("times_category", _("Response and resolution times by category"),
              [_("Category"), *time_columns], _time_rows(times["by_category"]),
              note=_("Working hours (the SLA calendar's).")),
        Table("times_agent", _("Response and resolution times by agent"),
              [_("Agent"), *time_columns], _time_rows(times["by_agent"]),
              note=_("Working hours (the SLA calendar's); by the current assignee.")),
        Table("busiest_categories", _("Busiest categories"),
              [_("Category"), _("Created")], _pairs(summary["busiest"]["categories"])),
        Table("busiest_locations", _("Busiest locations"),
              [_("Location"), _("Created")], _pairs(summary["busiest"]["locations"])),
    ]  # fmt: skip
    return {table.name: table for table in tables}


def _pairs(rows) -> list[list]:
    return [[row["label"], row["count"]] for row in rows]


def _time_rows(rows) -> list[list]:
    return [
        [
            row["label"],
            row["answered"],
            hours(row["first_response_median"]),
            hours(row["first_response_p90"]),
            row["resolved"],
            hours(row["resolution_median"]),
            hours(row["resolution_p90"]),
        ]
        for row in rows
    ]


def key_figures(summary: dict) -> list[list]:
    """The headline numbers, as (label, value) rows; None is "no data"."""
    overall, sla = summary["times"]["overall"], summary["sla"]
    reopens, busiest = summary["reopens"], summary["busiest"]
    rows = [
        [_("Tickets created"), busiest["total"]],
        # Every resolution in the period (the times count only those with a
        # measured duration: tickets loaded before `sla_recompute` have none).
        [_("Tickets resolved"), sum(row["resolved"] for row in summary["flow"])],
        [_("Open tickets now"), summary["backlog"]["open"]],
        [_("First response, median (working hours)"),
         hours(overall["first_response_median"])],
        [_("First response, 90th percentile (working hours)"),
         hours(overall["first_response_p90"])],
        [_("Resolution, median (working hours)"), hours(overall["resolution_median"])],
        [_("Resolution, 90th percentile (working hours)"),
         hours(overall["resolution_p90"])],
        [_("SLA met (% of resolved tickets with targets)"), sla["compliance_percent"]],
        [_("SLA breached (resolved tickets)"), sla["breached"]],
        [_("First responses on time (%)"), sla["first_response_percent"]],
        [_("Overdue open tickets now"), sla["overdue_now"]],
        [_("Reopened (times)"), reopens["reopens"]],
        [_("Reopen rate (% of resolutions)"), reopens["rate_percent"]],
    ]  # fmt: skip
    satisfaction = summary.get("satisfaction")
    if satisfaction:
        rows += [
            [_("Satisfaction: good (%)"), satisfaction["good_percent"]],
            [_("Satisfaction: answers"), satisfaction["count"]],
        ]
    return rows


# --- Charts ----------------------------------------------------------------------------


def nice_ceiling(value: int) -> tuple[int, int]:
    """(axis maximum, step) with four or five round steps covering `value`."""
    if value <= 0:
        return 4, 1
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(1, math.ceil(step))
    return step * math.ceil(value / step), step


def column_chart(rows: list[dict], *, series: list[tuple[str, str]], label) -> dict:
    """Grouped columns: one group per row, one column per (key, css class)."""
    width, height = 720, 260
    left, right, top, bottom = 44, 8, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((row[key] for row in rows for key, _css in series), default=0)
    axis_max, step = nice_ceiling(peak)
    slot = plot_w / max(len(rows), 1)
    bar = max(1.0, slot * 0.8 / len(series))
    every = max(1, math.ceil(len(rows) / 12))  # at most about twelve x labels
    groups = []
    for index, row in enumerate(rows):
        x0 = left + index * slot + slot * 0.1
        bars = []
        for number, (key, css) in enumerate(series):
            value = row[key]
            bar_h = plot_h * value / axis_max
            bars.append(
                {
                    "x": round(x0 + number * bar, 1),
                    "y": round(top + plot_h - bar_h, 1),
                    "width": round(bar, 1),
                    "height": round(bar_h, 1),
                    "css": css,
                    "value": value,
                    "key": key,
                }
            )
        groups.append(
            {
                "bars": bars,
                "label": label(row["bucket"]) if index % every == 0 else "",
                "title": formats.date_format(row["bucket"], "SHORT_DATE_FORMAT"),
                "label_x": round(x0 + slot * 0.4, 1),
            }
        )
    ticks = [
        {"value": value, "y": round(top + plot_h - plot_h * value / axis_max, 1)}
        for value in range(0, axis_max + 1, step)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "baseline": top + plot_h,
        "label_y": top + plot_h + 18,
        "groups": groups,
        "ticks": ticks,
    }


def bar_chart(rows: list[dict], *, limit: int = 10) -> dict:
    """Horizontal bars, one per row (`label`, `count`), largest first."""
    rows = rows[:limit]
    width, bar_h, gap, left, right = 720, 22, 8, 200, 60
    peak = max((row["count"] for row in rows), default=0) or 1
    plot_w = width - left - right
    bars = []
    for index, row in enumerate(rows):
        y = index * (bar_h + gap)
        bars.append(
            {
                "label": row["label"],
                "count": row["count"],
                "y": y,
                "text_y": y + bar_h * 0.7,
                "width": round(plot_w * row["count"] / peak, 1),
                "value_x": round(left + plot_w * row["count"] / peak + 6, 1),
            }
        )
    return {
        "width": width,
        "height": max(len(rows) * (bar_h + gap), bar_h),
        "left": left,
        "bar_height": bar_h,
        "label_x": left - 8,
        "bars": bars,
    }
