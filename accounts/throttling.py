"""Failed sign-in counting, shared by every web process through the cache.

Two limits, both from settings: failures for one account within a window lock that
account's sign-in for a while, and one client address may fail only so often (a
dormitory shares one address, so that limit is much higher). Successful sign-ins
never count. The cache is the database cache or Redis, never process memory.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from .models import normalize_email_address


def client_address(request) -> str:
    """The client's address, trusting only as many proxies as NUM_PROXIES says."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    proxies = settings.NUM_PROXIES
    if proxies and forwarded:
        hops = [part.strip() for part in forwarded.split(",") if part.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"signin:{kind}:{digest}"


def _scopes(email: str, address: str):
    yield "account", normalize_email_address(email), settings.LOGIN_FAILURE_LIMIT
    yield "address", address, settings.LOGIN_ADDRESS_FAILURE_LIMIT


def is_locked(email: str, address: str) -> bool:
    """True while the account or the address is locked out."""
    keys = [_key(f"lock-{kind}", value) for kind, value, _ in _scopes(email, address)]
    return any(cache.get_many(keys).values())


def record_failure(email: str, address: str) -> None:
    """Count one failed sign-in; lock whatever scope reaches its limit."""
    for kind, value, limit in _scopes(email, address):
        count_key = _key(f"fail-{kind}", value)
        # add() starts the window only on the first failure; incr() keeps its expiry.
        cache.add(count_key, 0, timeout=settings.LOGIN_FAILURE_WINDOW)
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)
            count = 1
        if count >= limit:
            cache.set(
                _key(f"lock-{kind}", value),
                True,
                timeout=settings.LOGIN_LOCKOUT_SECONDS,
            )
            cache.delete(count_key)
