"""Production settings for the tests that run gunicorn (live.py).

One difference: the suite collects static files with the test settings, which
write no manifest, so the hashed-name storage is swapped for the plain one.
"""

from servicedesk.settings.production import *  # noqa: F403
from servicedesk.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
