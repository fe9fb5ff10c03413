"""Django's ModelBackend, the signed-in user read by SQL compiled once.

Every signed-in request loads its user by id (`servicedesk.prepared`); signing
in, permissions and the active check are Django's.
"""

from django.contrib.auth.backends import ModelBackend

from servicedesk.prepared import PreparedRows

from .models import User

_USER = PreparedRows(lambda pk: User.objects.filter(pk=pk), kinds=(int,))


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        found = _USER(user_id) if isinstance(user_id, int) else []
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
