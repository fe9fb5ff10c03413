"""Time each part of the report's figures, in process, on a seeded database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_bench \\
        .venv/bin/python bench/report_sections.py [--period term] [--repeat 3]

Run it on the database `bench/run.sh` leaves behind (or any seeded with
`manage.py seed_bench` and `manage.py sla_recompute`, then vacuumed). It
computes the figures of `/reports/` (unfiltered, as `--agent` sees them) part
by part, as `reports.selectors.report_summary` does, and prints the best time
of `--repeat` runs and the SQL statements of each part, then the whole summary.
Nothing is cached here: these are the figures a page without caches waits for.
Nothing is written to the database.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings.local")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from accounts.models import User  # noqa: E402
from reports import selectors  # noqa: E402
from reports.periods import PERIOD_CHOICES, local_today, period_for  # noqa: E402
from tickets import selectors as ticket_selectors  # noqa: E402
from tickets.models import TicketEvent  # noqa: E402


def parts(user, period) -> dict:
    tickets = selectors.report_tickets(user=user, filters={})
    events = TicketEvent.objects.visible_to(user)
    people = selectors.PeopleLabels(viewer=user)
    categories = selectors.category_labels()
    return {
        "backlog": lambda: selectors.backlog(
            tickets,
            people=people,
            categories=categories,
            by_status=ticket_selectors.ticket_counts(user=user),
        ),
        "flow": lambda: selectors.flow(tickets, period),
        "times": lambda: selectors.times(
            tickets, period, people=people, categories=categories
        ),
        "sla": lambda: selectors.sla_compliance(tickets, period),
        "reopens": lambda: selectors.reopens(events, period),
        "busiest": lambda: selectors.busiest(tickets, period, categories=categories),
        "satisfaction": lambda: selectors.satisfaction_summary(tickets, period),
        "whole summary": lambda: selectors.report_summary(
            user=user, period=period, filters={}
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kinds = [kind for kind, _label in PERIOD_CHOICES if kind != "custom"]
    parser.add_argument("--period", choices=kinds, default="term")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--agent", default="agent01@bench.example.ac.kr")
    args = parser.parse_args()
    translation.activate("en")
    user = User.objects.get(email=args.agent)
    period = period_for(args.period, today=local_today())
    print(
        f"{args.period}: {period.first} to {period.last}, buckets of a {period.bucket}"
    )
    for name, compute in parts(user, period).items():
        compute()  # warm: the first run reads pages from disk
        best = None
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                compute()
                took = time.perf_counter() - started
            best = took if best is None else min(best, took)
        print(f"{name:14} {best * 1000:7.1f} ms  {len(queries):3} queries")


if __name__ == "__main__":
    main()
