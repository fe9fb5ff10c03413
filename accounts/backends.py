"""Django's ModelBackend behind the failed-sign-in limits (throttling.py).

Every way in checks a password through `django.contrib.auth.authenticate()`: the
site's sign-in form, the admin's, `POST /api/auth/login`, and anything Django or
a library adds later. So the counting lives here, in the one backend listed in
AUTHENTICATION_BACKENDS, and all of them share one lock.

A refused attempt raises `SignInLocked`, a PermissionDenied: `authenticate()`
then stops, sends `user_login_failed` and returns None, so a caller that knows
nothing of locks (the admin's form) just sees a failed sign-in. Callers that
want to say "locked" ask `sign_in_was_locked(request)`, the way django-axes
flags its lockouts on the request.
"""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import throttling
from .throttling import SignInLocked

LOCKED_FLAG = "sign_in_locked"


def sign_in_was_locked(request) -> bool:
    """True when this request's sign-in was refused because of a lock."""
    return getattr(request, LOCKED_FLAG, False)


class ThrottledModelBackend(ModelBackend):
    """ModelBackend whose password checks count toward the sign-in limits."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        attempt = throttling.attempt_begin(username, throttling.client_address(request))
        if attempt is None:
            if request is not None:
                setattr(request, LOCKED_FLAG, True)
            raise SignInLocked()
        user = None
        try:
            user = super().authenticate(request, username, password, **kwargs)
        finally:
            throttling.attempt_end(attempt, succeeded=user is not None)
        return user

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        # ModelBackend's async twin would check the password uncounted.
        return await sync_to_async(self.authenticate)(
            request, username, password, **kwargs
        )
