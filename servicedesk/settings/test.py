"""Test settings: PostgreSQL, fast hashing, mail kept in memory.

Under CI=true the suite refuses to run on anything but PostgreSQL.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-with-enough-length-and-variety-0123456789-abcdef"
SIMPLE_JWT["SIGNING_KEY"] = SECRET_KEY  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
APP_BASE_URL = "http://testserver"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True
# Most tests look at the notifications right after a change, inside the test's
# transaction; notifications/tests/test_fanout.py runs the queued way.
NOTIFICATIONS_FANOUT = env.str("NOTIFICATIONS_FANOUT", default="inline")
# Off so query-count tests see the work itself; cache tests turn it on.
TICKET_CACHE = env.bool("TICKET_CACHE", default=False)

_on_postgresql = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if env.bool("CI", default=False) and not _on_postgresql:
    raise ImproperlyConfigured(
        "CI runs the suite on PostgreSQL only: set DATABASE_URL=postgres://..."
    )
