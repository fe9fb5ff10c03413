"""Failed sign-in counting, shared by every web process.

Two limits, both from settings: failures for one account within a window lock that
account's sign-in for a while, and one client address may fail only so often (a
dormitory shares one address, so that limit is much higher). Successful sign-ins
never count.

Each attempt first *reserves* a place in both counters with an atomic increment and
is only checked when both stay within their limits; a success gives its place back.
So however many workers receive attempts at the same moment, no more than the limit
are ever checked against the password. The counters live in Redis (atomic INCR)
when REDIS_URL is set (the shared cache is then Redis too), otherwise in the
`SignInCounter` table (one atomic upsert); never in process memory. Lock flags
live in the shared cache.
"""

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import SignInCounter, normalize_email_address


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


# --- Atomic counters -------------------------------------------------------------


@functools.cache
def _redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) per process and URL."""
    return redis.Redis.from_url(url)


# Only an existing counter goes down: a decrement never creates a key without expiry.
_DECREMENT_EXISTING = (
    "if redis.call('exists', KEYS[1]) == 1 then "
    "return redis.call('decr', KEYS[1]) end return 0"
)


class _RedisCounters:
    """INCR in Redis; the window starts with the first failure.

    redis-py's own client rather than the Django cache: the cache's `incr` checks
    that the key exists and then increments in two commands, so a key expiring in
    between would come back without an expiry. Here the key is created with its
    expiry and incremented in one MULTI/EXEC transaction. The keys live in the
    shared cache's Redis database, so clearing the cache clears them too.
    """

    def __init__(self, url: str):
        self.client = _redis_client(url)

    @staticmethod
    def _redis_key(key: str) -> str:
        return f"servicedesk:{key}"

    def increment(self, key: str) -> int:
        name = self._redis_key(key)
        pipe = self.client.pipeline(transaction=True)
        pipe.set(name, 0, ex=settings.LOGIN_FAILURE_WINDOW, nx=True)
        pipe.incr(name)
        return int(pipe.execute()[1])

    def decrement(self, key: str) -> None:
        self.client.eval(_DECREMENT_EXISTING, 1, self._redis_key(key))

    def reset(self, key: str) -> None:
        self.client.delete(self._redis_key(key))


class _DatabaseCounters:
    """One upsert per increment: concurrent processes never lose a count."""

    def _table(self) -> str:
        return connection.ops.quote_name(SignInCounter._meta.db_table)

    def increment(self, key: str) -> int:
        now = timezone.now()
        window_end = now + timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
        table = self._table()
        sql = (
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {table}.expires_at <= %s THEN 1 "
            f"ELSE {table}.count + 1 END, "
            f"expires_at = CASE WHEN {table}.expires_at <= %s "
            f"THEN EXCLUDED.expires_at ELSE {table}.expires_at END "
            f"RETURNING count"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, window_end, now, now])
            count = cursor.fetchone()[0]
        if count == 1:
            # A new window: a good moment to drop the rows whose window is over.
            SignInCounter.objects.filter(expires_at__lte=now).exclude(key=key).delete()
        return count

    def decrement(self, key: str) -> None:
        table = self._table()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET count = count - 1 WHERE key = %s AND count > 0",
                [key],
            )

    def reset(self, key: str) -> None:
        SignInCounter.objects.filter(key=key).delete()


def _counters():
    if settings.REDIS_URL:
        return _RedisCounters(settings.REDIS_URL)
    return _DatabaseCounters()


# --- Attempts --------------------------------------------------------------------


@dataclass
class Attempt:
    """The places one sign-in attempt holds in the failure counters."""

    email: str
    address: str
    counts: dict[str, int] = field(default_factory=dict)


def is_locked(email: str, address: str) -> bool:
    """True while the account or the address is locked out."""
    keys = [_key(f"lock-{kind}", value) for kind, value, _ in _scopes(email, address)]
    return any(cache.get_many(keys).values())


def attempt_begin(email: str, address: str) -> Attempt | None:
    """Reserve a place for one attempt; None while it must be refused as locked."""
    counters = _counters()
    attempt = Attempt(email=email, address=address)
    refused = False
    for kind, value, limit in _scopes(email, address):
        key = _key(f"fail-{kind}", value)
        attempt.counts[key] = counters.increment(key)
        if attempt.counts[key] > limit:
            refused = True  # others already hold every place
            break
    # The lock is checked after reserving: an attempt that locks the account
    # sets the lock before it resets the counter, so an attempt counted after
    # that reset still sees the lock here and cannot slip through.
    if refused or is_locked(email, address):
        for held in attempt.counts:
            counters.decrement(held)
        return None
    return attempt


def attempt_end(attempt: Attempt, *, succeeded: bool) -> None:
    """A success gives its places back; a failure keeps them and may lock."""
    counters = _counters()
    for kind, value, limit in _scopes(attempt.email, attempt.address):
        key = _key(f"fail-{kind}", value)
        if succeeded:
            counters.decrement(key)
        elif attempt.counts[key] >= limit:
            cache.set(
                _key(f"lock-{kind}", value),
                True,
                timeout=settings.LOGIN_LOCKOUT_SECONDS,
            )
            counters.reset(key)
