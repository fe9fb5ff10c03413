"""The ticket counters (`TicketCounter`), kept in the transaction of each change.

Every service transaction that writes a ticket, a comment or history calls
`touch()`, which makes `version` grow with every committed change; status
counts move with the status itself. Every writer updates the same few rows, so
a service collects its changes (`deferred()`) and writes them in one statement
as the last step of its transaction, keys in sorted order: the rows every
writer shares stay locked only from that statement to the commit, ticket rows
are always locked before counter rows, and counter rows always in the same
order (no deadlocks). Upserts, so a table emptied by a test flush starts again
from zero rows.
"""

import threading
from contextlib import contextmanager

from django.db import connection

from ..models import TicketCounter

VERSION = "version"


def status_key(status: str) -> str:
    return f"status:{status}"


_state = threading.local()


@contextmanager
def deferred():
    """Collect the counter changes of the block; write them when it ends well.

    Use it inside the transaction (`with transaction.atomic(), deferred():`).
    Nested blocks add to the outermost one. An exception discards the changes
    (the transaction rolls back anyway).
    """
    if getattr(_state, "deltas", None) is not None:
        yield
        return
    _state.deltas = {}
    try:
        yield
        deltas = _state.deltas
    finally:
        _state.deltas = None
    if deltas:
        _write(deltas)


def _add(deltas: dict[str, int]) -> None:
    pending = getattr(_state, "deltas", None)
    if pending is None:
        _write(deltas)
        return
    for key, value in deltas.items():
        pending[key] = pending.get(key, 0) + value


def _write(deltas: dict[str, int]) -> None:
    table = connection.ops.quote_name(TicketCounter._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(deltas))
    params = [value for item in sorted(deltas.items()) for value in item]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, value) VALUES {rows} "
            f"ON CONFLICT (key) DO UPDATE SET value = {table}.value + EXCLUDED.value",
            params,
        )


def touch() -> None:
    """Note a change to tickets, comments or history in this transaction."""
    _add({VERSION: 1})


def status_added(status: str) -> None:
    _add({status_key(status): 1})


def status_moved(old: str, new: str) -> None:
    if old != new:
        _add({status_key(old): -1, status_key(new): 1})
