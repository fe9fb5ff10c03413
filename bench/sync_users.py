"""Benchmark the directory sync: N people from a throwaway MIS database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sd_bench \\
        .venv/bin/python bench/sync_users.py --people 20000

Our side runs in a fresh test database (`test_<name of DATABASE_URL's db>`,
migrated, then dropped), so the benchmark never touches real users. The MIS
side is a temporary database on the same PostgreSQL server, filled with COPY.
Three runs are timed: the first import, a re-run with no changes, and a run
where 5% of people changed (3% renamed or moved, 1% left, 1% new).
"""

import argparse
import os
import random
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings.test")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from psycopg import sql  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.sync import sync_users_once  # noqa: E402

DEPARTMENTS = [f"학과{n:02d}" for n in range(60)] + ["전산팀", "교무처", "학생처"]
TYPES = ["student"] * 8 + ["staff", "faculty"]


def server_conninfo(dbname: str) -> str:
    """Connection string for `dbname` on the server DATABASE_URL points at."""
    db = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        host=db.get("HOST") or "127.0.0.1",
        port=str(db.get("PORT") or 5432),
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname=dbname,
    )


def person(n: int) -> tuple:
    return (
        f"P{n:07d}",
        f"person{n}@school.ac.kr",
        f"사람{n}",
        random.choice(DEPARTMENTS),
        random.choice(TYPES),
        True,
    )


class MisDatabase:
    def __init__(self):
        self.name = f"sd_mis_bench_{secrets.token_hex(4)}"
        self.admin_url = server_conninfo("postgres")
        self.url = server_conninfo(self.name)

    def __enter__(self):
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
            )
        self.execute(
            "CREATE TABLE people (external_id text PRIMARY KEY, email text, "
            "name text, department text, person_type text, active boolean)"
        )
        return self

    def __exit__(self, *exc):
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.name)
                )
            )

    def execute(self, query, params=None):
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(query, params)

    def fill(self, people):
        with (
            psycopg.connect(self.url, autocommit=True) as conn,
            conn.cursor().copy("COPY people FROM STDIN") as copy,
        ):
            for row in people:
                copy.write_row(row)

    def change_five_percent(self, total: int):
        """3% move department or are renamed, 1% leave, 1% join."""
        self.execute(
            "UPDATE people SET department = '새학과', name = name || '*' "
            "WHERE substr(external_id, 2)::int % 100 IN (0, 1, 2)"
        )
        self.execute("DELETE FROM people WHERE substr(external_id, 2)::int % 100 = 3")
        self.fill(person(n) for n in range(total, total + total // 100))


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(label: str, **options) -> None:
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = sync_users_once(**options)
    seconds = time.perf_counter() - started
    print(
        f"{label:<28} {seconds:7.2f} s {counter.count:6d} queries   {result.summary()}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=settings.MIS_SYNC_BATCH_SIZE)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL=postgres://... : the benchmark measures PostgreSQL.")
    random.seed(7)
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with MisDatabase() as mis:
            mis.fill(person(n) for n in range(args.people))
            settings.MIS_DATABASE_URL = mis.url
            settings.MIS_USERS_TABLE = "people"
            settings.MIS_USERS_QUERY = ""
            settings.MIS_SYNC_BATCH_SIZE = args.batch_size
            print(
                f"Directory sync benchmark: {args.people} people, batches of "
                f"{args.batch_size}, PostgreSQL {connection.pg_version // 10000}, "
                f"our database {test_db}"
            )
            timed("first import")
            timed("re-run, no changes")
            mis.change_five_percent(args.people)
            timed("re-run, 5% changed")
            print(f"users in our database: {User.objects.count()}")
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
