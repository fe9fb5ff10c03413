"""A cache for ticket reads that can never answer with data older than a change.

Every key holds the data version (`TicketCounter` "version"), which the
services raise in the same transaction as any change to a ticket, its comments
or its history. The version is read before the data, so what is stored under a
version is at least as new as that version; once a change commits, every later
request reads the new version and misses. Nothing is ever invalidated by hand,
and a stale entry is unreachable rather than merely unlikely.

`TICKET_CACHE=false` switches every use off (the benchmark's "no cache" run).
Entries live in the shared cache (database or Redis), and each process keeps
the ones it used last in memory too (`ticket_pages`, bounded): under the same
versioned key a process's copy is exactly the shared one, so it is never stale
either, and a hit then costs no round trip for the entry.
"""

import hashlib
import secrets
import time

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.safestring import mark_safe

from notifications.services import badge_html, unread_badge_count

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
    value = _get(key)
    if value is None:
        value = compute()
        _set(key, value)
    return value


def _get(key: str):
    """From this process's memory, else from the shared cache (kept in memory)."""
    local = caches["ticket_pages"]
    value = local.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            local.set(key, value, TIMEOUT)
    return value


def _set(key: str, value) -> None:
    cache.set(key, value, TIMEOUT)
    caches["ticket_pages"].set(key, value, TIMEOUT)


def page_key(request, *parts) -> str:
    """A key for one page's rendered content as `request.user` sees it.

    Beside the data version and the language (`key_for`), the key holds the
    user (pages differ per viewer: internal notes, names, e-mails, menus), the
    role that decides what they may see, the full path (filters, search, page
    size, cursor; also the language switch's "next") and the minute (pages say
    "3 minutes ago").
    """
    user = request.user
    who = (
        user.pk,
        getattr(user, "role", None),
        user.is_staff,
        user.is_active,
        user.get_short_name(),  # in the navigation bar
    )
    # The badge's count comes with the version (one query for both); the
    # notifications context processor takes it from the request.
    version, request.notifications_unread_count = (
        selectors.ticket_data_version_and_unread(user=user)
    )
    minute = int(time.time() // 60)
    return key_for(*parts, who, request.get_full_path(), minute, version=version)


def cached_page(request, key: str | None, render) -> HttpResponse:
    """The whole page `render(csrf_mark, badge_mark)`, from the cache when it can.

    The page is rendered with random marks for the two things that belong to
    this request alone: the CSRF token (in every form) and the unread badge.
    Each answer puts its own token and badge in their place, so a cached page
    never carries someone's token or count, and nobody writing a mark into a
    comment can guess it. A page with a message to show once (after a change)
    is rendered for this request only. `key` None: never cached.
    """
    if key is not None and get_messages(request):
        key = None
    value = _get(key) if key is not None else None
    if value is None:
        mark = secrets.token_hex(16)
        html = render(mark_safe(f"csrf{mark}"), mark_safe(f"badge{mark}"))  # noqa: S308
        value = {"mark": mark, "html": str(html)}
        if key is not None:
            _set(key, value)
    mark = value["mark"]
    html = value["html"].replace(f"csrf{mark}", get_token(request))
    html = html.replace(f"badge{mark}", unread_badge(request))
    return HttpResponse(html)


def unread_badge(request) -> str:
    """The navigation badge, as base.html writes it (empty with nothing unread)."""
    count = getattr(request, "notifications_unread_count", None)
    if count is None:
        count = unread_badge_count(user=request.user)
    return badge_html(count)
