"""Time resolving an outage notice with N linked tickets, as production runs it.

    .venv/bin/python bench/incident_resolve.py --tickets 500

It (re)creates the scratch database `sd_incident_bench` on the PostgreSQL of
DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432), migrates,
opens N tickets through the ticket services (spread over 50 requesters),
links them to one notice and resolves it under each notification mode asked
for (`--modes`, default the production one):

- `queued`: NOTIFICATIONS_FANOUT=queued, NOTIFICATIONS_SEND_INLINE off — the
  production shape with SMTP: a change writes one queued event, the worker
  fans it out and sends later (the fan-out is timed too, as the worker's
  `fan_out_backlog`);
- `inline`: NOTIFICATIONS_FANOUT=inline, what the test settings use: each
  change writes every recipient's rows itself.

For each mode, on a fresh set of N tickets each time, it reports seconds and
SQL statements (in all and per ticket answered) of: every ticket answered in
the request (`incident_resolve(limit=None)`, the old behaviour); the request
with the production bound (`--bound`, INCIDENTS_ANSWER_IN_REQUEST) and then the
worker's rounds (`incident_answer_round`) until none is left. Figures go in
docs/incidents.md. Nothing here goes outside 127.0.0.1.
"""

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "sd_incident_bench"


def scratch_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{DB_NAME}"))


def recreate_database(url: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        conn.execute(
            f"CREATE DATABASE \"{DB_NAME}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings.local")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def open_notice(agent, ticket_ids, people):
    from tickets.services import incidents

    incident = incidents.incident_create(by=agent, title="학내 와이파이 장애")
    incidents.incident_link_tickets(incident=incident, by=agent, ticket_ids=ticket_ids)
    for person in people[:10]:
        incidents.incident_subscribe(incident=incident, by=person)
    return incident


def run_mode(mode: str, n: int, agent, people, bound: int) -> None:
    from django.test import override_settings

    from notifications import services as notification_services
    from tickets.services import incidents

    fanout = {"queued": "queued", "inline": "inline"}[mode]
    with override_settings(
        NOTIFICATIONS_FANOUT=fanout,
        NOTIFICATIONS_SEND_INLINE=False,
        INCIDENTS_ANSWER_IN_REQUEST=None,
    ):
        for how in ("request", "worker"):
            ids = make_world_tickets(n, people)
            incident = open_notice(agent, ids, people)
            with counting() as queries:
                started = time.perf_counter()
                if how == "request":
                    result = incidents.incident_resolve(
                        incident=incident,
                        by=agent,
                        message="복구되었습니다.",
                        limit=None,
                    )
                    answered = len(result.resolved)
                else:
                    # The request with the production bound, then worker rounds.
                    result = incidents.incident_resolve(
                        incident=incident,
                        by=agent,
                        message="복구되었습니다.",
                        limit=bound,
                    )
                    report(
                        f"{mode:6} bounded request (INCIDENTS_ANSWER_IN_REQUEST="
                        f"{bound})",
                        n,
                        len(result.resolved),
                        time.perf_counter() - started,
                        queries.count,
                    )
                    answered = len(result.resolved)
                    while True:
                        done = incidents.incident_answer_round(limit=50)
                        if not done:
                            break
                        answered += done
                seconds = time.perf_counter() - started
            label = "all in the request" if how == "request" else "request + rounds"
            report(f"{mode:6} {label}", n, answered, seconds, queries.count)
            if fanout == "queued":
                with counting() as queries:
                    started = time.perf_counter()
                    fanned = 0
                    while True:
                        count = notification_services.fan_out_backlog(batch_size=50)
                        if not count:
                            break
                        fanned += count
                    seconds = time.perf_counter() - started
                report(f"{mode:6} worker fan-out", n, answered, seconds, queries.count)


class Counter:
    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextlib.contextmanager
def counting():
    """Count SQL statements (not kept, unlike CaptureQueriesContext's 9000)."""
    from django.db import connection

    counter = Counter()
    with connection.execute_wrapper(counter):
        yield counter


def make_world_tickets(n: int, people) -> list[int]:
    from tickets import services
    from tickets.models import Category

    network = Category.objects.get(slug="network")
    return [
        services.ticket_create(
            by=people[i % len(people)],
            title=f"와이파이 안 됨 {i}",
            description="기숙사에서 와이파이가 끊깁니다.",
            category=network,
        ).pk
        for i in range(n)
    ]


def report(label: str, n: int, answered: int, seconds: float, queries: int) -> None:
    per = max(answered, 1)
    print(
        f"{label}: {answered}/{n} tickets, {seconds:.2f} s "
        f"({seconds / per * 1000:.1f} ms and {queries / per:.1f} queries a ticket)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument(
        "--bound", type=int, default=20, help="INCIDENTS_ANSWER_IN_REQUEST to time"
    )
    parser.add_argument(
        "--modes", default="queued", help="comma-separated: queued, inline"
    )
    args = parser.parse_args()
    url = scratch_database_url()
    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    agent = UserFactory(role=Role.AGENT, email="bench-agent@example.edu")
    people = [
        UserFactory(role=Role.REQUESTER, email=f"bench-{i}@example.edu")
        for i in range(50)
    ]
    for mode in args.modes.split(","):
        run_mode(mode.strip(), args.tickets, agent, people, args.bound)


if __name__ == "__main__":
    main()
