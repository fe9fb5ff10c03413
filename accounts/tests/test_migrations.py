"""`migrate` alone gives a working service: the database cache table included."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_database_url(django_db_setup):
    """An empty database next to the test database, dropped afterwards."""
    db = connection.settings_dict
    server = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or None,
    }
    name = f"{db['NAME']}_fresh"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
        sql.Identifier(name)
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(drop)
        admin.execute(create)
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    yield f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(drop)


def manage(database_url, *args):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="servicedesk.settings.test", DATABASE_URL=database_url
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_migrate_alone_creates_the_database_cache_table(fresh_database_url):
    manage(fresh_database_url, "migrate", "--noinput", "-v", "0")
    # What every sign-in does first: the shared cache, in the database.
    out = manage(
        fresh_database_url,
        "shell",
        "--no-imports",
        "-c",
        "from django.core.cache import cache; cache.set('probe', 'ok'); "
        "print(cache.get('probe'))",
    )
    assert out.strip() == "ok"
    # Nothing left for a separate createcachetable to do.
    out = manage(fresh_database_url, "createcachetable", "--dry-run", "-v", "2")
    assert out.strip() == "Cache table 'servicedesk_cache' already exists."
