"""Who else has a ticket open: short-lived entries in the shared cache.

The ticket page's script (static/js/presence.js) sends a heartbeat every
`INTERVAL` seconds while the page is visible, saying whether its agent is
viewing the ticket or typing a reply, and says "left" when the page goes away.
Nothing here touches the database: the entries live in the shared cache
(Redis or the database cache table, settings.CACHES), so every web process
sees the same agents.

Each agent's entry is its own cache key, so leaving is one atomic delete that
no other agent's heartbeat can undo: once someone leaves, nobody is told they
are still there. A per-ticket index lists whose entries to read; an index write
that races another may drop an agent from it, and that agent's next heartbeat
puts them back (at worst shown one interval late, never shown after leaving).
An entry without a heartbeat for `TTL` seconds is gone (a closed laptop, a lost
connection): the cache expires it, and `now - at` is checked as well, so an
entry read just before it expires is not shown either.
"""

import time

from django.core.cache import cache

from ..people import display_name

INTERVAL = 15  # seconds between a page's heartbeats
TTL = 45  # seconds an entry lasts without a heartbeat (three missed beats)

VIEWING, TYPING, LEFT = "viewing", "typing", "left"
STATES = (VIEWING, TYPING, LEFT)


def _index_key(ticket_id: int) -> str:
    return f"tickets:presence:{ticket_id}"


def _entry_key(ticket_id: int, user_id: int) -> str:
    return f"tickets:presence:{ticket_id}:{user_id}"


def ticket_presence_update(*, ticket_id: int, by, state: str) -> list[dict]:
    """Note that `by` is viewing, typing on or has left the ticket.

    Returns the other agents present, by name: `{id, name, state}` each.
    The caller checks that `by` may see the ticket and its presence.
    """
    if state not in STATES:
        raise ValueError(f"Unknown presence state: {state!r}")
    now = time.time()
    mine = _entry_key(ticket_id, by.pk)
    if state == LEFT:
        cache.delete(mine)
    else:
        entry = {"id": by.pk, "name": display_name(by, by), "state": state, "at": now}
        cache.set(mine, entry, TTL)
    index = _index_key(ticket_id)
    ids = cache.get(index) or []
    others = [user_id for user_id in ids if user_id != by.pk]
    entries = cache.get_many([_entry_key(ticket_id, user_id) for user_id in others])
    present = [entry for entry in entries.values() if now - entry["at"] < TTL]
    # The index keeps those present (and the caller, unless leaving).
    present_ids = {entry["id"] for entry in present}
    kept = sorted(present_ids if state == LEFT else present_ids | {by.pk})
    if kept != ids:
        cache.set(index, kept, TTL)
    elif kept:
        cache.touch(index, TTL)
    return [
        {"id": entry["id"], "name": entry["name"], "state": entry["state"]}
        for entry in sorted(present, key=lambda entry: (entry["name"], entry["id"]))
    ]
