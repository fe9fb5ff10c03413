"""Django's database sessions, each request's session read by SQL compiled once.

Every signed-in page loads its session: Django's `db` store builds and
compiles the same query each time (`servicedesk.prepared`). Everything else,
saving and expiry included, is Django's.
"""

import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from servicedesk.prepared import PreparedRows

_SESSION = PreparedRows(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    kinds=(str, datetime.datetime),
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = _SESSION(self.session_key, timezone.now()) if self.session_key else []
        if found:
            return found[0]
        self._session_key = None
        return None
