"""Cached answers that are never stale: keys built from versions and the viewer.

Every key holds the data version (`TicketCounter` "version"), which moves in
the transaction of every change a cached answer can show (tickets, comments,
history, files) and right after a change to a person or a category
(`tickets.receivers`). The version is read before the data, so what is stored
under a version is at least as new as that version: once a change commits,
the next request reads the new version and misses. Nothing is invalidated by
hand, and a stale entry is unreachable rather than unlikely.

Every key also holds `viewer_key(user)`: who is looking, with everything that
decides what they may see (role, active) and the language they read. So a
requester's entry is never an agent's, and a demoted or deactivated user never
meets an entry made before the change.

Pages cache template fragments (`{% cache … using=fragment_cache %}`); the API
caches its rendered JSON. `TICKET_CACHE=false` switches both off.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from . import selectors

TIMEOUT = 300  # seconds; only bounds storage, freshness comes from the version
ON, OFF = "default", "dummy"  # cache aliases the page templates write fragments to


def enabled() -> bool:
    return settings.TICKET_CACHE


def viewer_key(user) -> tuple:
    """Who is looking, as far as it changes what a cached answer shows."""
    if not user.is_authenticated:
        return (None, None, False, translation.get_language())
    return (user.pk, user.role, user.is_active, translation.get_language())


def version_key(user, *parts) -> str:
    """A fragment key: the data version, the viewer and `parts` (one query)."""
    version = selectors.ticket_data_version()
    return repr((version, viewer_key(user), parts))


# Template context that renders every fragment afresh.
NO_FRAGMENTS = {"fragment_cache": OFF, "fragment_key": "", "fragment_timeout": 0}


def page_fragments(request, *parts) -> dict:
    """Template context for a page's `{% cache %}` fragments.

    The key holds the full path (filters, search, page size, cursor) and the
    minute, since the pages say "3 minutes ago".
    """
    if not enabled():
        return NO_FRAGMENTS
    minute = int(time.time() // 60)
    key = version_key(request.user, *parts, request.get_full_path(), minute)
    return {
        "fragment_cache": ON,
        "fragment_key": key,
        "fragment_timeout": TIMEOUT,
    }


def get_or_compute(user, parts: tuple, compute):
    """`compute()`'s value, cached under the version, the viewer and `parts`."""
    if not enabled():
        return compute()
    digest = hashlib.sha256(version_key(user, *parts).encode()).hexdigest()
    key = f"tickets:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
