"""Percentiles in SQL, on PostgreSQL and on SQLite.

PostgreSQL has the ordered-set aggregate `percentile_cont`, used through a
small `Aggregate` subclass. SQLite has none: there the rows of each group are
numbered in order by window functions and only the one or two rows around the
percentile come back, so the database still does the sorting and counting and
Python only interpolates between two numbers per group.
"""

from collections import defaultdict

from django.db import connections
from django.db.models import Aggregate, Count, F, FloatField, IntegerField, Q, Window
from django.db.models.functions import Cast, Floor, RowNumber


class PercentileCont(Aggregate):
    """`percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)` (PostgreSQL).

    The continuous percentile: interpolated between the two nearest values,
    so the median of 1, 2, 3, 4 is 2.5 (as `statistics.median`).
    """

    function = "percentile_cont"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile's fraction is between 0 and 1.")
        # A number we chose, written into the SQL as a literal: an ordered-set
        # aggregate's direct argument must be constant per group.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentiles(
    queryset, *, value: str, group: str | None, fractions=(0.5, 0.9)
) -> dict:
    """{group value: {fraction: percentile, "count": n}} of `value`.

    Rows where `value` is null are left out (and not counted); groups with no
    value are absent.
    `group=None` gives one group, keyed None.
    """
    rows = queryset.order_by().filter(**{f"{value}__isnull": False})
    if connections[rows.db].vendor == "postgresql":
        return _postgresql(rows, value=value, group=group, fractions=fractions)
    return _window_functions(rows, value=value, group=group, fractions=fractions)


def _postgresql(rows, *, value, group, fractions) -> dict:
    aggregates = {
        f"p{index}": PercentileCont(value, fraction)
        for index, fraction in enumerate(fractions)
    }
    aggregates["count"] = Count(value)
    if group is None:
        answer = rows.aggregate(**aggregates)
        if answer["p0"] is None:
            return {}
        return {None: _by_fraction(answer, fractions)}
    return {
        row[group]: _by_fraction(row, fractions)
        for row in rows.values(group).annotate(**aggregates)
    }


def _by_fraction(row: dict, fractions) -> dict:
    figures = {fraction: row[f"p{index}"] for index, fraction in enumerate(fractions)}
    return {**figures, "count": row["count"]}


def _window_functions(rows, *, value, group, fractions) -> dict:
    """The same figures with ROW_NUMBER() and COUNT() OVER (…), for SQLite.

    For n values in order, the percentile p sits at position p·(n − 1)
    (counted from 0): the row there and the next one come back, and the
    answer lies between them, as `percentile_cont` computes it.
    """
    partition = [F(group)] if group else []
    numbered = rows.annotate(
        report_group=F(group) if group else Cast(None, IntegerField()),
        report_value=F(value),
        report_row=Window(RowNumber(), partition_by=partition, order_by=F(value).asc()),
        report_count=Window(Count("pk"), partition_by=partition),
    )
    answer = defaultdict(dict)
    for fraction in fractions:
        # Position of the percentile, 1-based: floor(p·(n − 1)) + 1.
        below = Floor(fraction * (F("report_count") - 1)) + 1
        wanted = numbered.filter(
            Q(report_row=below) | Q(report_row=below + 1)
        ).values_list("report_group", "report_value", "report_row", "report_count")
        around = defaultdict(list)
        for key, number, position, count in wanted:
            around[key].append((position, number, count))
        for key, values in around.items():
            values.sort()
            (position, low, count), *rest = values
            high = rest[0][1] if rest else low
            exact = fraction * (count - 1)
            answer[key][fraction] = low + (exact - (position - 1)) * (high - low)
            answer[key]["count"] = count
    return dict(answer)
