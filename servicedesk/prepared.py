"""Fixed-shape reads compiled to SQL once per process, then run with new values.

Django builds and compiles a queryset's SQL every time it is evaluated. For the
pages' small reads of a fixed shape (a ticket's comments, its history, the
staff menu, the unread badge) that costs more than running the query: about
half a millisecond each, a quarter of an uncached ticket page.

`PreparedRows` wraps a function that builds such a queryset (`values_list`, or
plain model instances: no related objects, annotations or deferred fields).
The first time a *shape* is asked for, it builds the queryset with stand-in
values, compiles it, and records where each stand-in landed among the SQL
parameters; from then on it only puts the real values in their places and runs
the SQL (PostgreSQL's prepared statements, psycopg's `prepare_threshold`, then
skip the planning too). The queryset stays the one source of the read: scoping
(`visible_to`) and filters are written once, with the ORM, and rows come back
exactly as `values_list` gives them, through the same converters.

The builder's contract: its positional values flow only into filters (it never
branches on them); whatever changes the SQL's shape (the viewer's role, say)
is passed as keywords, and each combination is prepared on its own. A stand-in
that does not come out as one whole parameter (written into the SQL, or
changed on the way, e.g. wrapped into a LIKE pattern) makes that shape
unpreparable: it then runs through the ORM every time, which is correct, only
slower (`is_prepared` tells; the tests check the pages' reads are prepared).
"""

import datetime
import threading
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
)

_INT_BASE = 2_100_000_000  # within a 32-bit integer column's range


def stand_in(kind: type, index: int):
    """A value no real input has, of the type the builder expects."""
    if kind is int:
        return _INT_BASE + index
    if kind is str:
        return f"\ue000stand-in-{index}\ue000"
    if kind is list:
        return [_INT_BASE + 1000 + index]
    if kind is datetime.datetime:
        return datetime.datetime(1901, 2, 3, 4, 5, 6, index, tzinfo=datetime.UTC)
    raise TypeError(f"No stand-in for {kind!r} values.")


class _Unpreparable(Exception):
    pass


class _Compiled:
    """One shape's SQL, its parameters, and where the values go."""

    def __init__(self, queryset, stand_ins: tuple):
        self.db = queryset.db
        self.flat = queryset._iterable_class is FlatValuesListIterable
        self.compiler = queryset.query.get_compiler(self.db)
        self.sql, params = self.compiler.as_sql()
        self.model_fields = self._model_fields(queryset)
        self.params = list(params)
        self.slots = [
            (position, stand_ins.index(param))
            for position, param in enumerate(self.params)
            if any(_same(param, value) for value in stand_ins)
        ]
        self._check_stand_ins_are_whole(stand_ins)

    def _model_fields(self, queryset):
        """For a queryset of model instances, the attribute names of its columns.

        Only plain ones: no related objects, annotations or deferred fields.
        """
        if queryset._iterable_class in (ValuesListIterable, FlatValuesListIterable):
            return None
        query = queryset.query
        info = self.compiler.klass_info
        if (
            queryset._iterable_class is not ModelIterable
            or not info
            or info.get("related_klass_infos")
            or query.annotation_select
            or query.extra_select
            or queryset._prefetch_related_lookups
        ):
            raise _Unpreparable("only values_list() and plain model querysets")
        select = self.compiler.select
        return [select[index][0].target.attname for index in info["select_fields"]]

    def _check_stand_ins_are_whole(self, stand_ins) -> None:
        slotted = {position for position, _index in self.slots}
        for value in stand_ins:
            text = str(value)
            if text in self.sql:
                raise _Unpreparable(f"stand-in {value!r} written into the SQL")
            for position, param in enumerate(self.params):
                if position not in slotted and text in str(param):
                    raise _Unpreparable(f"stand-in {value!r} changed into {param!r}")

    def run(self, values: tuple) -> list:
        params = list(self.params)
        for position, index in self.slots:
            params[position] = values[index]
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.compiler.has_extra_select:
            rows = [row[: self.compiler.col_count] for row in rows]
        # Django's own conversion of the rows (converters, composite keys).
        rows = self.compiler.results_iter(results=[rows], tuple_expected=True)
        if self.model_fields is not None:
            model = self.compiler.query.model
            return [model.from_db(self.db, self.model_fields, row) for row in rows]
        if self.flat:
            return [row[0] for row in rows]
        return list(rows)


def _same(param, value) -> bool:
    return type(param) is type(value) and param == value


_EMPTY = "empty"  # the shape reads nothing (`.none()`)
_ORM = "orm"  # the shape could not be prepared: the ORM runs it every time


class PreparedRows:
    """`build(*values, **shape)`'s rows, its SQL compiled once per shape."""

    def __init__(self, build: Callable, *, kinds: tuple[type, ...] = ()):
        self.build = build
        self.kinds = kinds
        self._shapes: dict = {}
        self._lock = threading.Lock()

    def __call__(self, *values, **shape) -> list:
        if len(values) != len(self.kinds):
            raise TypeError(f"expected {len(self.kinds)} values, got {len(values)}")
        compiled = self._compiled(shape)
        if compiled is _EMPTY:
            return []
        if compiled is _ORM:
            return list(self.build(*values, **shape))
        return compiled.run(values)

    def is_prepared(self, **shape) -> bool:
        return not isinstance(self._compiled(shape), str)

    def _compiled(self, shape: dict):
        key = tuple(sorted(shape.items()))
        compiled = self._shapes.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._shapes.get(key) or self._prepare(shape)
                self._shapes[key] = compiled
        return compiled

    def _prepare(self, shape: dict):
        stand_ins = tuple(stand_in(kind, i) for i, kind in enumerate(self.kinds))
        queryset = self.build(*stand_ins, **shape)
        try:
            return _Compiled(queryset, stand_ins)
        except EmptyResultSet:
            return _EMPTY
        except _Unpreparable:
            return _ORM
