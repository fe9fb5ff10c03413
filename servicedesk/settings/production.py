"""Production settings: DEBUG off, secrets required, TLS terminated at a proxy.

A missing SECRET_KEY or DATABASE_URL stops the process at start. With the
defaults below `manage.py check --deploy` reports no warnings; the secure-cookie
and redirect flags can be turned off from the environment for a plain-HTTP trial.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
SIMPLE_JWT["SIGNING_KEY"] = env("JWT_SECRET", default="") or SECRET_KEY  # noqa: F405
# base.py falls back to a SQLite file for local trials; in production that would
# quietly keep the data in one container's file system, unshared between web
# processes and lost with the container.
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in production, e.g. "
        "postgres://USER:PASSWORD@HOST:5432/NAME (there is no SQLite fallback)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
