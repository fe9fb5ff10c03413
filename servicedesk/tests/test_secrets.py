"""Secrets never reach the logs or error reports.

Passwords typed at sign-in, the tokens handed out, and the configured secrets
(storage key, SMTP password, JWT secret, the MIS database URL's password, a
Redis password) must not appear in log records or in Django's error report.
"""

import logging
import sys

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.views.debug import ExceptionReporter

from accounts.tests.factories import DEFAULT_PASSWORD

TYPED_PASSWORD = "Tr0ub4dor&3-typed-at-sign-in"
SECRETS = {
    "OBJECT_STORAGE_SECRET_KEY": "storage-secret-value-4f9a",
    "EMAIL_HOST_PASSWORD": "smtp-password-value-77c1",
    "MIS_DATABASE_URL": "postgres://mis_reader:mis-password-value-0b3e@mis.school:5432/mis",
    "SECRET_KEY": "django-secret-value-with-enough-length-0123456789-abcdefghijkl",
}
REDIS_PASSWORD = "redis-password-value-91d2"
JWT_SECRET = "jwt-secret-value-5e6f"
BEARER_SIGNATURE = "bearer-signature-value-c3d4"


def _request_carrying_secrets():
    """Out of the report's source excerpt, so only real leaks can match."""
    return RequestFactory().post(
        "/api/auth/login",
        {"password": TYPED_PASSWORD},
        HTTP_AUTHORIZATION=f"Bearer header.payload.{BEARER_SIGNATURE}",
    )


def _all_logged(caplog) -> str:
    handler = logging.StreamHandler()
    return "\n".join(handler.format(record) for record in caplog.records)


@pytest.mark.django_db
def test_failed_and_successful_sign_ins_log_no_password_or_token(
    caplog, client, api_client, requester, other_requester
):
    caplog.set_level(logging.DEBUG)
    for _ in range(6):  # into the lock, too
        api_client.post(
            "/api/auth/login",
            {"email": requester.email, "password": TYPED_PASSWORD},
            format="json",
        )
        client.post(
            reverse("accounts:login"),
            {"username": requester.email, "password": TYPED_PASSWORD},
        )
    signed_in = api_client.post(
        "/api/auth/login",
        {"email": other_requester.email, "password": DEFAULT_PASSWORD},
        format="json",
    )
    logged = _all_logged(caplog)
    assert "Unauthorized: /api/auth/login" in logged  # the failures were logged
    assert TYPED_PASSWORD not in logged
    assert DEFAULT_PASSWORD not in logged
    assert signed_in.status_code == 200
    for token in signed_in.json().values():
        assert token not in logged


@pytest.mark.django_db
def test_a_crash_during_sign_in_logs_no_password(caplog, api_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the directory backend failed")

    monkeypatch.setattr("accounts.services.authenticate", broken)
    caplog.set_level(logging.DEBUG)
    api_client.raise_request_exception = False
    response = api_client.post(
        "/api/auth/login",
        {"email": "someone@school.ac.kr", "password": TYPED_PASSWORD},
        format="json",
    )
    assert response.status_code == 500
    logged = _all_logged(caplog)
    assert "Internal Server Error: /api/auth/login" in logged
    assert "the directory backend failed" in logged
    assert TYPED_PASSWORD not in logged


@override_settings(
    **SECRETS,
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"redis://:{REDIS_PASSWORD}@127.0.0.1:6379/0",
        }
    },
    REDIS_URL=f"redis://default:{REDIS_PASSWORD}@127.0.0.1:6379/0",
    SIMPLE_JWT={"SIGNING_KEY": JWT_SECRET},
)
def test_error_reports_hide_every_configured_secret():
    request = _request_carrying_secrets()
    try:
        raise ValueError("something broke")
    except ValueError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        report = reporter.get_traceback_text() + reporter.get_traceback_html()
    assert "something broke" in report
    assert "mis.school" in report  # the URL is shown, without its password
    for secret in [*SECRETS.values(), REDIS_PASSWORD, JWT_SECRET]:
        value = secret.split(":")[2].split("@")[0] if "://" in secret else secret
        assert value not in report, value
    assert BEARER_SIGNATURE not in report
    assert TYPED_PASSWORD not in report
