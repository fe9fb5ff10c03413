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
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.safestring import mark_safe

from . import selectors

TIMEOUT = 300  # seconds; only bounds storage, freshness comes from the version


def enabled() -> bool:
    return settings.TICKET_CACHE


def key_for(*parts, version: int | None = None) -> str:
    """A key for `parts` at the current data version (one small query)."""
    if version is None:
        version = selectors.ticket_data_version()
    raw = repr((version, translation.get_language(), parts))
    return "tickets:" + hashlib.sha256(raw.encode()).hexdigest()


def get_or_compute(key: str, compute):
    """The value stored under `key`, or `compute()` stored there now."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def page_key(request, *parts) -> str:
    """A key for one page's rendered content as `request.user` sees it.

    Beside the data version and the language (`key_for`), the key holds the
    user (pages differ per viewer: internal notes, names, e-mails, menus), the
    role that decides what they may see, the full path (filters, search, page
    size, cursor) and the minute (pages say "3 minutes ago").
    """
    user = request.user
    who = (user.pk, getattr(user, "role", None), user.is_staff, user.is_active)
    # The badge's count comes with the version (one query for both); the
    # notifications context processor takes it from the request.
    version, request.notifications_unread_count = (
        selectors.ticket_data_version_and_unread(user=user)
    )
    minute = int(time.time() // 60)
    return key_for(*parts, who, request.get_full_path(), minute, version=version)


def rendered_content(request, key: str | None, render) -> dict:
    """`render(csrf_token)` (a dict of HTML strings), from the cache when it can.

    The content is rendered with a random mark as its CSRF token and stored
    with the mark; each answer puts its own request's token in its place, so a
    cached page never carries someone's token and the mark cannot be guessed
    by anyone writing it into a comment.
    """
    value = cache.get(key) if key is not None else None
    if value is None:
        mark = secrets.token_hex(16)
        value = {"mark": mark, "parts": render(mark)}
        if key is not None:
            cache.set(key, value, TIMEOUT)
    token = get_token(request)
    return {
        name: mark_safe(html.replace(value["mark"], token))  # noqa: S308 (our HTML)
        for name, html in value["parts"].items()
    }
