"""The ticket counters (`TicketCounter`), kept in the transaction of each change.

Every service transaction that writes a ticket, a comment or history calls
`touch()`, which makes `version` grow with every committed change; so do the
writes of anything else a cached answer shows (users, categories: see
`tickets/receivers.py`). Status counts move with the status itself, and
`recount()` sets them to the tickets table's counts if they ever drift.
Every writer updates the same few rows, so a service collects its changes
(`deferred()`) and writes them in one statement as the last step of its
transaction, keys in sorted order: the rows every writer shares stay locked
only from that statement to the commit, ticket rows are always locked before
counter rows, and counter rows always in the same order (no deadlocks).
Upserts, so a table emptied by a test flush starts again from zero rows.
"""

import threading
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count

from ..models import Status, Ticket, TicketCounter

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
    """Note a change to anything a cached answer shows, in this transaction.

    Inside a `deferred()` block the version moves with the block's other
    counters; outside one it moves at once, in the caller's transaction if
    there is one (its row then stays locked until that commits), else on its
    own right after the caller's already committed write. Either way it is
    never visible before the change: a reader cannot store old data under the
    new version.
    """
    _add({VERSION: 1})


def status_added(status: str) -> None:
    _add({status_key(status): 1})


def status_moved(old: str, new: str) -> None:
    if old != new:
        _add({status_key(old): -1, status_key(new): 1})


def status_counts() -> dict[str, int]:
    """Tickets per status (`status_key`s), counted from the tickets table."""
    counts = {status_key(status): 0 for status in Status.values}
    rows = Ticket.objects.order_by().values_list("status").annotate(n=Count("pk"))
    for status, n in rows:
        counts[status_key(status)] = n
    return counts


@transaction.atomic
def recount(*, dry_run: bool = False) -> dict[str, tuple[int, int]]:
    """Set the status counters to the tickets table's counts.

    Returns the counters that differed, key -> (stored, counted). The counter
    rows are locked before the tickets are counted: a service that has changed
    a ticket but not yet written its counters waits for the lock and then adds
    its change to the recounted value, and one that wrote them first has
    committed before the count (a statement of its own, which sees every
    committed change) begins. When anything changed the data version moves
    too, since the queue shows these counts. `dry_run` locks and writes
    nothing.
    """
    keys = sorted(status_key(status) for status in Status.values)
    stored = TicketCounter.objects.filter(key__startswith="status:").order_by("key")
    if not dry_run:
        # Rows a flush removed come back at zero, so there is a row to lock.
        TicketCounter.objects.bulk_create(
            [TicketCounter(key=key, value=0) for key in keys], ignore_conflicts=True
        )
        stored = stored.select_for_update()
    current = dict(stored.values_list("key", "value"))
    counted = status_counts()
    changes = {
        key: (current.get(key, 0), counted.get(key, 0))
        for key in sorted({*current, *counted})
        if current.get(key, 0) != counted.get(key, 0)
    }
    if changes and not dry_run:
        for key, (_stored, value) in changes.items():
            TicketCounter.objects.filter(key=key).update(value=value)
        touch()
    return changes
