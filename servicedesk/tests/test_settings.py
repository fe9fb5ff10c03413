"""Settings come from the environment; production refuses unsafe starts."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


# Production needs a database URL; nothing here connects to it.
PRODUCTION_DATABASE_URL = "postgres://desk:desk@db.internal:5432/desk"


def run_manage(*args, env_extra=None, settings="servicedesk.settings.production"):
    """manage.py in a fresh process; an env_extra value of None unsets that name."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "DEBUG", "DATABASE_URL"))
    }
    if settings == "servicedesk.settings.production":
        env["DATABASE_URL"] = PRODUCTION_DATABASE_URL
    env.update({"DJANGO_SETTINGS_MODULE": settings, **(env_extra or {})})
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_value(name, env_extra, settings="servicedesk.settings.production"):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print(repr(settings.{name}))",
        env_extra=env_extra,
        settings=settings,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


STRONG_KEY = "prod-" + "k3y-with-many-different-characters-AbCdEfGhIjKlMnOp-0123456789"


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", env_extra={"SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("database_url", [None, ""])
def test_production_refuses_to_start_without_database_url(database_url):
    result = run_manage(
        "check", env_extra={"SECRET_KEY": STRONG_KEY, "DATABASE_URL": database_url}
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DATABASE_URL must be set in production" in result.stderr


def test_production_passes_check_deploy_with_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "desk.school.ac.kr"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secure_flags_can_be_turned_off_for_a_plain_http_trial():
    env = {
        "SECRET_KEY": STRONG_KEY,
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_SSL_REDIRECT": "false",
    }
    assert settings_value("SESSION_COOKIE_SECURE", env) == "False"
    assert settings_value("SECURE_SSL_REDIRECT", env) == "False"
    assert (
        settings_value("SECURE_PROXY_SSL_HEADER", env)
        == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_local_defaults_need_no_environment():
    assert "sqlite3" in settings_value(
        "DATABASES['default']['ENGINE']", {}, "servicedesk.settings.local"
    )
    assert "console" in settings_value(
        "EMAIL_BACKEND", {}, "servicedesk.settings.local"
    )
    assert (
        settings_value("STORAGE_BACKEND", {}, "servicedesk.settings.local") == "'local'"
    )


def test_database_url_selects_postgresql_through_psycopg3():
    env = {
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": "postgres://u:p@db.internal:5433/desk",
    }
    assert (
        settings_value("DATABASES['default']['ENGINE']", env)
        == "'django.db.backends.postgresql'"
    )
    assert settings_value("DATABASES['default']['PORT']", env) == "5433"


def test_smtp_settings_switch_to_the_smtp_backend():
    env = {
        "SECRET_KEY": STRONG_KEY,
        "SMTP_HOST": "relay.school.ac.kr",
        "SMTP_PORT": "25",
    }
    assert (
        settings_value("EMAIL_BACKEND", env)
        == "'django.core.mail.backends.smtp.EmailBackend'"
    )
    assert settings_value("EMAIL_HOST", env) == "'relay.school.ac.kr'"


def test_token_lifetimes_and_cors_origins_come_from_the_environment():
    env = {
        "SECRET_KEY": STRONG_KEY,
        "JWT_EXPIRES_MIN": "30",
        "JWT_REFRESH_DAYS": "2",
        "CORS_ORIGINS": "https://a.school.ac.kr,https://b.school.ac.kr",
    }
    assert (
        settings_value("SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'].total_seconds()", env)
        == "1800.0"
    )
    assert settings_value("SIMPLE_JWT['REFRESH_TOKEN_LIFETIME'].days", env) == "2"
    assert (
        settings_value("CORS_ALLOWED_ORIGINS", env)
        == "['https://a.school.ac.kr', 'https://b.school.ac.kr']"
    )


def test_jwt_secret_defaults_to_secret_key_and_can_differ():
    assert settings_value(
        "SIMPLE_JWT['SIGNING_KEY']", {"SECRET_KEY": STRONG_KEY}
    ) == repr(STRONG_KEY)
    env = {"SECRET_KEY": STRONG_KEY, "JWT_SECRET": "another-secret"}
    assert settings_value("SIMPLE_JWT['SIGNING_KEY']", env) == "'another-secret'"


def test_redis_url_moves_the_shared_cache_to_redis():
    env = {"SECRET_KEY": STRONG_KEY, "REDIS_URL": "redis://127.0.0.1:6379/3"}
    assert "RedisCache" in settings_value("CACHES['default']['BACKEND']", env)
    assert "DatabaseCache" in settings_value(
        "CACHES['default']['BACKEND']", {"SECRET_KEY": STRONG_KEY}
    )


def test_no_cache_lives_in_one_process_memory():
    # Every web process must give the same answers: nothing kept in its own memory.
    for extra in ({}, {"REDIS_URL": "redis://127.0.0.1:6379/3"}):
        env = {"SECRET_KEY": STRONG_KEY, **extra}
        caches = ast.literal_eval(settings_value("CACHES", env))
        backends = {
            alias: cache["BACKEND"].rsplit(".", 1)[-1]
            for alias, cache in caches.items()
        }
        assert backends["default"] in {"RedisCache", "DatabaseCache"}
        assert "LocMemCache" not in backends.values(), backends


def test_ci_refuses_sqlite_for_the_suite():
    result = run_manage(
        "check",
        env_extra={"CI": "true", "DATABASE_URL": "sqlite:////tmp/x.db"},
        settings="servicedesk.settings.test",
    )
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_in_ci():
    from django.db import connection

    if os.environ.get("CI") == "true":
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor in {"postgresql", "sqlite"}


def test_env_example_lists_every_setting_read_from_the_environment():
    import re

    read = set()
    for module in (ROOT / "servicedesk" / "settings").glob("*.py"):
        read |= set(
            re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", module.read_text())
        )
    read.discard("CI")  # set by the CI runner, not a service setting
    listed = set(
        re.findall(
            r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M
        )
    )
    assert read, "no settings found"
    assert sorted(read - listed) == []


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


CLIENT_ADDRESS_OF_A_SPOOFED_REQUEST = (
    "from django.test import RequestFactory; "
    "from accounts.throttling import client_address; "
    "print(client_address(RequestFactory().get("
    "'/', REMOTE_ADDR='192.0.2.10', HTTP_X_FORWARDED_FOR='203.0.113.66')))"
)


def test_the_documented_set_ups_never_trust_a_client_sent_address():
    # docker-compose.yml publishes `web` itself and reads `.env` (a copy of
    # .env.example): the peer's address is the client's, whatever the header says.
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web_env = {
        **compose["x-app"]["environment"],
        **compose["services"]["web"].get("environment", {}),
    }
    assert "TRUSTED_PROXIES" not in web_env and "NUM_PROXIES" not in web_env
    env = {
        **_env_example(),
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": PRODUCTION_DATABASE_URL,
    }
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        CLIENT_ADDRESS_OF_A_SPOOFED_REQUEST,
        env_extra=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "192.0.2.10"


def test_a_configured_proxy_is_trusted_and_a_bad_one_refused():
    env = {"SECRET_KEY": STRONG_KEY, "TRUSTED_PROXIES": "10.0.0.0/8,192.0.2.10"}
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        CLIENT_ADDRESS_OF_A_SPOOFED_REQUEST,
        env_extra=env,
    )
    assert result.stdout.strip() == "203.0.113.66", result.stderr
    result = run_manage(
        "check", env_extra={"SECRET_KEY": STRONG_KEY, "TRUSTED_PROXIES": "proxy.local"}
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr


def test_the_old_num_proxies_setting_stops_the_start_with_a_clear_message():
    result = run_manage(
        "check", env_extra={"SECRET_KEY": STRONG_KEY, "NUM_PROXIES": "1"}
    )
    assert result.returncode != 0
    assert "list the proxies' addresses in TRUSTED_PROXIES" in result.stderr
