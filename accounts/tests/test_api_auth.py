import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import RefreshToken as PlainRefreshToken

from accounts.api.tokens import RefreshToken
from accounts.models import Role, User
from accounts.tests.factories import DEFAULT_PASSWORD

LOGIN = "/api/auth/login"


def login(client, email, password, **extra):
    return client.post(
        LOGIN, {"email": email, "password": password}, format="json", **extra
    )


@pytest.mark.django_db
class TestLogin:
    def test_success_returns_tokens(self, api_client, requester):
        response = login(api_client, requester.email, DEFAULT_PASSWORD)
        assert response.status_code == 200
        assert set(response.json()) == {"access", "refresh"}

    def test_email_matches_whatever_its_case(self, api_client, requester):
        response = login(api_client, "Student1@School.AC.KR", DEFAULT_PASSWORD)
        assert response.status_code == 200

    def test_wrong_password_and_unknown_email_get_the_same_401(
        self, api_client, requester
    ):
        wrong = login(api_client, requester.email, "nope")
        unknown = login(api_client, "ghost@school.ac.kr", "nope")
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()
        assert "detail" in wrong.json()

    def test_inactive_user_gets_the_same_401(self, api_client, requester):
        requester.is_active = False
        requester.save()
        response = login(api_client, requester.email, DEFAULT_PASSWORD)
        assert response.status_code == 401

    def test_missing_fields_get_400_with_field_messages(self, api_client):
        response = api_client.post(LOGIN, {}, format="json")
        assert response.status_code == 400
        assert set(response.json()) == {"email", "password"}

    def test_malformed_json_gets_400(self, api_client):
        response = api_client.post(LOGIN, "{not json", content_type="application/json")
        assert response.status_code == 400
        assert "detail" in response.json()

    def test_path_works_with_and_without_trailing_slash(self, api_client, requester):
        assert login(api_client, requester.email, DEFAULT_PASSWORD).status_code == 200
        response = api_client.post(
            LOGIN + "/",
            {"email": requester.email, "password": DEFAULT_PASSWORD},
            format="json",
        )
        assert response.status_code == 200


@pytest.mark.django_db
class TestThrottling:
    def test_five_failures_lock_the_account_even_for_the_right_password(
        self, api_client, requester
    ):
        for _ in range(5):
            assert login(api_client, requester.email, "wrong").status_code == 401
        response = login(api_client, requester.email, DEFAULT_PASSWORD)
        assert response.status_code == 429
        assert "detail" in response.json()

    def test_lock_is_per_account(self, api_client, requester, other_requester):
        for _ in range(5):
            login(api_client, requester.email, "wrong")
        assert (
            login(api_client, other_requester.email, DEFAULT_PASSWORD).status_code
            == 200
        )

    def test_successful_sign_ins_never_count(self, api_client, requester):
        for _ in range(10):
            assert (
                login(api_client, requester.email, DEFAULT_PASSWORD).status_code == 200
            )
        for _ in range(4):
            login(api_client, requester.email, "wrong")
        assert login(api_client, requester.email, DEFAULT_PASSWORD).status_code == 200

    def test_the_lock_ends_by_itself(self, api_client, requester):
        from django.core.cache import cache

        for _ in range(5):
            login(api_client, requester.email, "wrong")
        assert login(api_client, requester.email, DEFAULT_PASSWORD).status_code == 429
        # Expire the lock as time would: the cache entry is what holds it.
        for key in list(_lock_keys(cache)):
            cache.delete(key)
        assert login(api_client, requester.email, DEFAULT_PASSWORD).status_code == 200

    @override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=8, LOGIN_FAILURE_LIMIT=5)
    def test_one_address_is_limited_across_accounts(self, api_client, requester):
        for n in range(8):
            login(api_client, f"nobody{n}@school.ac.kr", "wrong")
        response = login(api_client, requester.email, DEFAULT_PASSWORD)
        assert response.status_code == 429
        other_address = login(
            api_client, requester.email, DEFAULT_PASSWORD, REMOTE_ADDR="10.0.0.9"
        )
        assert other_address.status_code == 200

    def test_shared_address_below_its_limit_does_not_block_others(
        self, api_client, requester
    ):
        # A dormitory: many students behind one address, some mistyping.
        for n in range(20):
            login(api_client, f"dorm{n}@school.ac.kr", "wrong")
        assert login(api_client, requester.email, DEFAULT_PASSWORD).status_code == 200


def _lock_keys(cache):
    from accounts import throttling

    for kind, value, _limit in throttling._scopes("student1@school.ac.kr", "127.0.0.1"):
        yield throttling._key(f"lock-{kind}", value)


@pytest.mark.django_db
class TestRefreshAndLogout:
    def test_refresh_rotates_and_the_old_token_is_refused(self, api_client, requester):
        tokens = login(api_client, requester.email, DEFAULT_PASSWORD).json()
        first = api_client.post(
            "/api/auth/refresh", {"refresh": tokens["refresh"]}, format="json"
        )
        assert first.status_code == 200
        assert set(first.json()) == {"access", "refresh"}
        assert first.json()["refresh"] != tokens["refresh"]
        again = api_client.post(
            "/api/auth/refresh", {"refresh": tokens["refresh"]}, format="json"
        )
        assert again.status_code == 401

    def test_logout_blacklists_the_refresh_token(self, api_client, requester):
        tokens = login(api_client, requester.email, DEFAULT_PASSWORD).json()
        out = api_client.post(
            "/api/auth/logout", {"refresh": tokens["refresh"]}, format="json"
        )
        assert out.status_code == 205
        again = api_client.post(
            "/api/auth/refresh", {"refresh": tokens["refresh"]}, format="json"
        )
        assert again.status_code == 401

    def test_tampered_refresh_token_is_401(self, api_client, requester):
        token = str(RefreshToken.for_user(requester))
        tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
        response = api_client.post(
            "/api/auth/refresh", {"refresh": tampered}, format="json"
        )
        assert response.status_code == 401
        assert "detail" in response.json()

    def test_logout_with_garbage_token_is_401_not_500(self, api_client):
        response = api_client.post(
            "/api/auth/logout", {"refresh": "garbage"}, format="json"
        )
        assert response.status_code == 401

    def test_refresh_without_token_is_400(self, api_client):
        response = api_client.post("/api/auth/refresh", {}, format="json")
        assert response.status_code == 400
        assert "refresh" in response.json()


@pytest.mark.django_db
class TestMe:
    @pytest.mark.parametrize("fixture", ["requester", "agent", "admin_user"])
    def test_me_for_each_role(self, request, api_client, fixture):
        user = request.getfixturevalue(fixture)
        tokens = login(api_client, user.email, DEFAULT_PASSWORD).json()
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
        response = api_client.get("/api/me")
        assert response.status_code == 200
        assert response.json() == {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "department": user.department,
            "language": user.language,
        }

    def test_without_credentials_is_401_with_www_authenticate(self, api_client):
        response = api_client.get("/api/me")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_expired_access_token_is_401(self, api_client, requester):
        from datetime import timedelta

        token = RefreshToken.for_user(requester).access_token
        token.set_exp(lifetime=-timedelta(seconds=1))
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = api_client.get("/api/me/")
        assert response.status_code == 401

    def test_tampered_access_token_is_401(self, api_client, requester):
        token = str(RefreshToken.for_user(requester).access_token)
        header, payload, signature = token.split(".")
        api_client.credentials(
            HTTP_AUTHORIZATION=f"Bearer {header}.{payload}.{signature[::-1]}"
        )
        assert api_client.get("/api/me").status_code == 401

    def test_session_signed_in_user_reaches_me(self, client, requester):
        client.force_login(requester)
        assert client.get("/api/me").json()["email"] == requester.email


def refresh_status(client, refresh):
    response = client.post("/api/auth/refresh", {"refresh": refresh}, format="json")
    return response.status_code


def me_status(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/me").status_code


def set_password(user):
    user.set_password("a-new-password-77")
    user.save()


def deactivate(user):
    user.is_active = False
    user.save()


def promote(user):
    user.role = Role.AGENT
    user.save()


def reset_password_by_link(user):
    """The "forgot password" link, as the e-mail gives it, then the new password."""
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = reverse("accounts:password_reset_confirm", args=[uid, token])
    form = client.get(link)
    assert form.status_code == 302  # to the same page without the token in it
    new = "a-new-password-77"
    done = client.post(form.url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")


@pytest.mark.django_db
class TestTokensEndWithTheAccessTheyCarried:
    """After a password change or reset, a deactivation or a role change."""

    CHANGES = [set_password, reset_password_by_link, deactivate, promote]

    @pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
    def test_old_access_token_is_401_and_old_refresh_token_refused(
        self, api_client, requester, change
    ):
        tokens = login(api_client, requester.email, DEFAULT_PASSWORD).json()
        assert me_status(tokens["access"]) == 200

        change(User.objects.get(pk=requester.pk))

        assert me_status(tokens["access"]) == 401
        assert refresh_status(api_client, tokens["refresh"]) == 401

    @pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
    def test_every_outstanding_refresh_token_is_blacklisted(
        self, api_client, requester, change
    ):
        for _ in range(2):
            login(api_client, requester.email, DEFAULT_PASSWORD)
        outstanding = OutstandingToken.objects.filter(user=requester)
        assert outstanding.count() == 2

        change(User.objects.get(pk=requester.pk))

        blacklisted = BlacklistedToken.objects.filter(token__user=requester)
        assert blacklisted.count() == 2

    def test_a_rotated_token_dies_too(self, api_client, requester):
        tokens = login(api_client, requester.email, DEFAULT_PASSWORD).json()
        rotated = api_client.post(
            "/api/auth/refresh", {"refresh": tokens["refresh"]}, format="json"
        ).json()

        set_password(User.objects.get(pk=requester.pk))

        assert me_status(rotated["access"]) == 401
        assert refresh_status(api_client, rotated["refresh"]) == 401

    def test_a_change_that_skips_the_signals_still_ends_the_tokens(
        self, api_client, requester
    ):
        # A bulk update (the shell, a data migration) sends no model signals:
        # nothing is blacklisted, and the stamp in the tokens still no longer
        # matches.
        tokens = login(api_client, requester.email, DEFAULT_PASSWORD).json()
        User.objects.filter(pk=requester.pk).update(role=Role.ADMIN)

        assert not BlacklistedToken.objects.exists()
        assert me_status(tokens["access"]) == 401
        assert refresh_status(api_client, tokens["refresh"]) == 401

    def test_tokens_issued_after_the_change_work(self, api_client, requester):
        login(api_client, requester.email, DEFAULT_PASSWORD)
        set_password(User.objects.get(pk=requester.pk))

        tokens = login(api_client, requester.email, "a-new-password-77").json()

        assert me_status(tokens["access"]) == 200
        assert refresh_status(api_client, tokens["refresh"]) == 200

    def test_other_changes_and_signing_in_keep_the_tokens(self, api_client, requester):
        tokens = login(api_client, requester.email, DEFAULT_PASSWORD).json()
        user = User.objects.get(pk=requester.pk)
        user.name = "새 이름"
        user.department = "물리학과"
        user.save()
        login(api_client, requester.email, DEFAULT_PASSWORD)  # saves last_login

        assert not BlacklistedToken.objects.exists()
        assert me_status(tokens["access"]) == 200
        assert refresh_status(api_client, tokens["refresh"]) == 200

    def test_a_token_without_the_stamp_is_refused(self, api_client, requester):
        # What simplejwt issues by itself, as every token did before.
        plain = PlainRefreshToken.for_user(requester)

        assert me_status(str(plain.access_token)) == 401
        assert refresh_status(api_client, str(plain)) == 401

    def test_the_stamp_reveals_nothing_of_the_password_hash(self, requester):
        token = RefreshToken.for_user(requester)

        assert requester.password not in str(token.payload)
        assert requester.password.split("$")[-1] not in str(token.payload)
