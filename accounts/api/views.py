"""JWT sign-in, refresh, sign-out and the caller's profile."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from ..services import SignInLocked, sign_in_authenticate, user_language_set
from .serializers import (
    AccessStampRefreshSerializer,
    LoginSerializer,
    MeSerializer,
    MeUpdateSerializer,
    RefreshSerializer,
    TokenPairSerializer,
)
from .tokens import RefreshToken

BAD_CREDENTIALS = "No active account found with the given credentials."


class SignInThrottled(exceptions.Throttled):
    default_detail = str(SignInLocked.message)


class TokenEndpoint(APIView):
    """Base for the endpoints that take credentials in the body, not a header.

    They run no authentication, yet a failure must still be a 401 carrying the
    `WWW-Authenticate` challenge (DRF turns a 401 without one into a 403).
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


class LoginView(TokenEndpoint):
    """Exchange an e-mail and password for an access and a refresh token."""

    @extend_schema(
        request=LoginSerializer,
        responses={200: TokenPairSerializer},
        examples=[
            OpenApiExample(
                "Sign in",
                value={
                    "email": "student@example.ac.kr",
                    "password": "demo-requester-1",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = sign_in_authenticate(request=request, **serializer.validated_data)
        except SignInLocked:
            raise SignInThrottled(wait=None) from None
        if user is None:
            raise exceptions.AuthenticationFailed(BAD_CREDENTIALS)
        refresh = RefreshToken.for_user(user)
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})


class RefreshView(TokenEndpoint):
    """Rotate a refresh token: the old one stops working.

    Refused (401) once the user's password, role or active flag changed.
    """

    @extend_schema(request=RefreshSerializer, responses={200: TokenPairSerializer})
    def post(self, request):
        serializer = AccessStampRefreshSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        return Response(serializer.validated_data)


class LogoutView(TokenEndpoint):
    """Blacklist a refresh token."""

    @extend_schema(request=RefreshSerializer, responses={205: None})
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        return Response(status=status.HTTP_205_RESET_CONTENT)


class MeView(APIView):
    """The signed-in caller's profile; PATCH changes their language."""

    @extend_schema(responses={200: MeSerializer})
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        request=MeUpdateSerializer,
        responses={200: MeSerializer},
        examples=[OpenApiExample("English", value={"language": "en"})],
    )
    def patch(self, request):
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_language_set(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(request.user).data)
