"""A cache for ticket reads that can never answer with data older than a change.

Every key holds the data version (`TicketCounter` "version"), which the
services raise in the same transaction as any change to a ticket, its comments
or its history. The version is read before the data, so what is stored under a
version is at least as new as that version; once a change commits, every later
request reads the new version and misses. Nothing is ever invalidated by hand,
and a stale entry is unreachable rather than merely unlikely.

`TICKET_CACHE=false` switches every use off (the benchmark's "no cache" run).
Entries live in the shared cache (database or Redis), never in one process.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from . import selectors

TIMEOUT = 300  # seconds; only bounds storage, freshness comes from the version


def enabled() -> bool:
    return settings.TICKET_CACHE


def key_for(*parts) -> str:
    """A key for `parts` at the current data version (one small query)."""
    raw = repr((selectors.ticket_data_version(), translation.get_language(), parts))
    return "tickets:" + hashlib.sha256(raw.encode()).hexdigest()


def get_or_compute(key: str, compute):
    """The value stored under `key`, or `compute()` stored there now."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
