"""API tokens that die with the access they were issued for.

Every token carries an access stamp: an HMAC of the user's password hash, role
and active flag (as Django's password-reset tokens are made from the password
hash). Authentication and refresh compare it with the user's current stamp
(`authentication.AccessStampJWTAuthentication`,
`serializers.AccessStampRefreshSerializer`), so a password change or reset, a
deactivation or a role change ends every token issued before it, at once and
whoever made the change. On top of that, `accounts.receivers` blacklists the
user's outstanding refresh tokens when it sees such a change.
"""

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

# What a token stands for: a change to any of these ends it.
ACCESS_FIELDS = ("password", "role", "is_active")
ACCESS_STAMP_CLAIM = "access_stamp"
KEY_SALT = "accounts.api.tokens.access_stamp"


def access_stamp(user) -> str:
    """A digest of the user's password hash, role and active flag."""
    value = ":".join(str(getattr(user, field)) for field in ("pk", *ACCESS_FIELDS))
    digest = salted_hmac(
        KEY_SALT, value, secret=api_settings.SIGNING_KEY, algorithm="sha256"
    )
    return digest.hexdigest()[::2]


def stamp_matches(token, user) -> bool:
    """Whether `token` was issued for the user's current password, role and status.

    A token without a stamp (issued before stamps existed) does not match.
    """
    return constant_time_compare(
        str(token.get(ACCESS_STAMP_CLAIM, "")), access_stamp(user)
    )


class RefreshToken(tokens.RefreshToken):
    """simplejwt's refresh token, with the access stamp.

    The access tokens made from it copy the claim. The outstanding-token row
    simplejwt writes in `for_user` holds the token as signed before the stamp
    was added; it is looked up by `jti` only.
    """

    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[ACCESS_STAMP_CLAIM] = access_stamp(user)
        return token


def refresh_tokens_blacklist(*, user_ids) -> int:
    """Blacklist every unexpired refresh token of these users; return how many."""
    outstanding = OutstandingToken.objects.filter(
        user_id__in=list(user_ids),
        expires_at__gt=timezone.now(),
        blacklistedtoken__isnull=True,
    ).values_list("pk", flat=True)
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token_id=pk) for pk in outstanding],
        ignore_conflicts=True,
    )
    return len(created)
