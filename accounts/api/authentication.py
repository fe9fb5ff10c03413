"""JWT authentication that refuses tokens issued before an access change."""

from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from .tokens import stamp_matches


class AccessStampJWTAuthentication(JWTAuthentication):
    """simplejwt's check, and the token's access stamp must be the user's own.

    So an access token stops working (401) the moment its user's password,
    role or active flag changes, not when it expires.
    """

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if not stamp_matches(validated_token, user):
            raise AuthenticationFailed(
                _(
                    "This token was issued before the account's password, role "
                    "or status changed. Please sign in again."
                ),
                code="token_revoked",
            )
        return user
