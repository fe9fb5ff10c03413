"""Security headers on every kind of response, and production's TLS settings live."""

import pytest
import requests
from django.db import connection

from . import live

PATHS = [
    "/accounts/login/",
    "/tickets/",
    "/api/docs/",
    "/api/schema/",
    "/api/me",
    "/admin/login/",
    "/healthz",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";")
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_static_files_carry_the_policy_and_nosniff(client):
    # Served by WhiteNoise ahead of the clickjacking middleware; the policy's
    # frame-ancestors covers framing for them.
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def _no_store(response) -> bool:
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/tickets/", "/queue/", "/notifications/", "/"])
def test_signed_in_pages_are_private_and_not_stored(client, admin_user, path):
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/me", "/api/tickets", "/api/tickets/counts", "/api/notifications"]
)
def test_api_answers_are_private_and_not_stored(as_user, admin_user, path):
    response = as_user(admin_user).get(path)
    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.django_db
def test_api_errors_and_tokens_are_not_stored(client, admin_user):
    assert _no_store(client.get("/api/me"))  # 401
    assert _no_store(client.get("/api/no-such-thing"))  # 404
    admin_user.set_password("a-long-password-1")
    admin_user.save()
    tokens = client.post(
        "/api/auth/login",
        {"email": admin_user.email, "password": "a-long-password-1"},
        content_type="application/json",
    )
    assert tokens.status_code == 200
    assert _no_store(tokens)


@pytest.mark.django_db
def test_the_sign_in_page_is_not_stored_either(client):
    # It carries a CSRF token tied to this browser's cookie.
    assert _no_store(client.get("/accounts/login/"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/docs/?script="])
@pytest.mark.parametrize("signed_in", [False, True])
def test_the_public_api_description_keeps_its_caching_headers(
    client, admin_user, path, signed_in
):
    if signed_in:
        client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 200
    assert "Cache-Control" not in response


def test_static_files_keep_whitenoises_caching_headers(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_view_that_sets_its_own_cache_control_keeps_it(client):
    assert client.get("/healthz")["Cache-Control"] == (
        "max-age=0, no-cache, no-store, must-revalidate, private"
    )


@pytest.mark.django_db
def test_the_storage_origin_may_be_reached_by_the_pages_for_uploads(client, settings):
    settings.STORAGE_BACKEND = "object"
    settings.OBJECT_STORAGE_ENDPOINT = "http://minio:9000"
    settings.OBJECT_STORAGE_PUBLIC_ENDPOINT = "https://files.school.ac.kr/some/path"
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "connect-src 'self' https://files.school.ac.kr;" in policy + ";"
    settings.STORAGE_BACKEND = "local"
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "connect-src 'self';" in policy + ";"


@pytest.mark.django_db(transaction=True)
def test_production_behind_tls_sends_hsts_secure_cookies_and_redirects_http(
    tmp_path,
):
    with live.gunicorn(
        database_url=live.database_url(connection.settings_dict),
        log_path=tmp_path / "gunicorn.log",
        workers=1,
        SECURE_SSL_REDIRECT="true",
        SESSION_COOKIE_SECURE="true",
        CSRF_COOKIE_SECURE="true",
    ) as url:
        plain = requests.get(
            f"{url}/accounts/login/", allow_redirects=False, timeout=10
        )
        assert plain.status_code == 301
        assert plain.headers["Location"].startswith("https://")
        # The load balancer's health check is never redirected.
        assert requests.get(f"{url}/healthz", timeout=10).status_code == 200
        tls = requests.get(
            f"{url}/accounts/login/",
            headers={"X-Forwarded-Proto": "https"},
            allow_redirects=False,
            timeout=10,
        )
    assert tls.status_code == 200
    hsts = tls.headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    cookie = tls.headers["Set-Cookie"]
    assert "csrftoken=" in cookie and "Secure" in cookie
    assert "Content-Security-Policy" in tls.headers
    assert tls.headers["X-Frame-Options"] == "DENY"
