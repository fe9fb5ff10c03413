"""The ticket counters (`TicketCounter`), kept in the transaction of each change.

Every service transaction that writes a ticket, a comment or history calls
`touch()` before it locks any ticket row. That one row lock orders all ticket
writers the same way (no deadlocks between counter rows) and makes `version`
grow with every committed change. Status counts move with the status itself.
Upserts, so a table emptied by a test flush starts again from zero rows.
"""

from django.db import connection

from ..models import TicketCounter

VERSION = "version"


def status_key(status: str) -> str:
    return f"status:{status}"


def _add(deltas: dict[str, int]) -> None:
    table = connection.ops.quote_name(TicketCounter._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(deltas))
    params = [value for item in deltas.items() for value in item]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, value) VALUES {rows} "
            f"ON CONFLICT (key) DO UPDATE SET value = {table}.value + EXCLUDED.value",
            params,
        )


def touch() -> None:
    """Note a change to come in this transaction (call before locking tickets)."""
    _add({VERSION: 1})


def status_added(status: str) -> None:
    _add({status_key(status): 1})


def status_moved(old: str, new: str) -> None:
    if old != new:
        _add({status_key(old): -1, status_key(new): 1})
