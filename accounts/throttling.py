"""Failed sign-in counting, shared by every web process.

Two limits, both from settings: failures for one account within a window lock that
account's sign-in for a while, and one client address may fail only so often (a
dormitory shares one address, so that limit is much higher). Successful sign-ins
never count. The account is the e-mail's lookup key (models.email_lookup_key), the
same key sign-in looks the user up by, so no spelling of an address gets a count
of its own and still reaches the account. The counting happens in the
authentication backend (backends.py), which every sign-in passes.

Each attempt first *reserves* a place in both counters with an atomic increment and
is only checked when both stay within their limits; a success gives its place back.
So however many workers receive attempts at the same moment, no more than the limit
are ever checked against the password. The counters live in Redis (atomic INCR)
when REDIS_URL is set (the shared cache is then Redis too), otherwise in the
`SignInCounter` table (one atomic upsert); never in process memory. Lock flags
live in the shared cache.

Password-reset requests are counted in the same counters, per e-mail key and per
address, whether or not the address is an account's.
"""

import functools
import hashlib
import ipaddress
from dataclasses import dataclass, field
from datetime import timedelta

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SignInCounter, email_lookup_key


class SignInLocked(PermissionDenied):
    """Too many failed sign-ins for this account or address; try again later."""

    message = _(
        "Too many failed sign-in attempts. Please wait 15 minutes and try again."
    )


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str | None:
    """The address a request came from; None for a call without a request.

    REMOTE_ADDR, unless that is one of TRUSTED_PROXIES: then X-Forwarded-For is
    read from the right, past the trusted proxies, and the first other address
    is the client's. Anyone can send the header, so only what a trusted proxy
    appended counts; with no trusted proxies (the default) it is never read.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not _is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop):
            return hop
    # Every hop is one of ours: the one farthest from us is the client.
    return hops[0] if hops else remote


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"signin:{kind}:{digest}"


def _scopes(email: str, address: str | None):
    yield "account", email_lookup_key(email), settings.LOGIN_FAILURE_LIMIT
    if address is not None:  # a call with no request has no address to count
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

    def increment(self, key: str, window: int) -> int:
        name = self._redis_key(key)
        pipe = self.client.pipeline(transaction=True)
        pipe.set(name, 0, ex=window, nx=True)
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

    def increment(self, key: str, window: int) -> int:
        now = timezone.now()
        window_end = now + timedelta(seconds=window)
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
    address: str | None
    counts: dict[str, int] = field(default_factory=dict)


def is_locked(email: str, address: str | None) -> bool:
    """True while the account or the address is locked out."""
    keys = [_key(f"lock-{kind}", value) for kind, value, _ in _scopes(email, address)]
    return any(cache.get_many(keys).values())


def attempt_begin(email: str, address: str | None) -> Attempt | None:
    """Reserve a place for one attempt; None while it must be refused as locked."""
    counters = _counters()
    attempt = Attempt(email=email, address=address)
    refused = False
    for kind, value, limit in _scopes(email, address):
        key = _key(f"fail-{kind}", value)
        attempt.counts[key] = counters.increment(key, settings.LOGIN_FAILURE_WINDOW)
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


# --- Password-reset requests -----------------------------------------------------


def password_reset_allowed(email: str, address: str | None) -> bool:
    """Count one reset request; False once its e-mail or address is over the limit.

    Counted by the e-mail's key whether or not it is an account's, so the answer
    says nothing about which addresses have accounts.
    """
    counters = _counters()
    scopes = [("reset-account", email_lookup_key(email), settings.PASSWORD_RESET_LIMIT)]
    if address is not None:
        scopes.append(("reset-address", address, settings.PASSWORD_RESET_ADDRESS_LIMIT))
    counts = [
        (counters.increment(_key(kind, value), settings.PASSWORD_RESET_WINDOW), limit)
        for kind, value, limit in scopes
    ]
    return all(count <= limit for count, limit in counts)
