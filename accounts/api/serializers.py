from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenRefreshSerializer

from ..models import Language, User
from .authentication import AccessStampJWTAuthentication
from .tokens import RefreshToken


class LoginSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, trim_whitespace=True)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "department", "language"]
        read_only_fields = fields


class MeUpdateSerializer(serializers.Serializer):
    """What the caller may change about themselves: their language."""

    language = serializers.ChoiceField(choices=Language.choices)


class AccessStampRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's rotation of our stamped refresh tokens.

    A refresh token whose user's password, role or active flag changed since
    it was issued is refused (401) like an access token, even if it escaped
    the blacklisting that such a change does.
    """

    token_class = RefreshToken

    def validate(self, attrs):
        AccessStampJWTAuthentication().get_user(self.token_class(attrs["refresh"]))
        return super().validate(attrs)
