"""Tell the team of tickets due soon or overdue: `manage.py sla_watch`.

Each round runs `tickets.services.tickets_sla_watch`: a ticket entering
`warning` and a ticket past a due time are each told once (in-app and by
e-mail, through the notifications outbox); a breach also gets an internal
history entry. Several watchers may run side by side (SKIP LOCKED).
"""

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from tickets import services


class Command(BaseCommand):
    help = "Send the service-level warnings and breach notices, each once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run one round, then exit."
        )
        parser.add_argument(
            "--every",
            type=float,
            default=60.0,
            help="Seconds between rounds (default 60).",
        )

    def handle(self, *args, once=False, every=60.0, **options):
        if every <= 0:
            raise CommandError("--every must be a positive number of seconds.")
        self._stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
            self.stdout.write("sla watcher started")
        while True:
            if not once:
                close_old_connections()
            counts = services.tickets_sla_watch()
            if options.get("verbosity", 1) >= 1 and (once or any(counts.values())):
                self.stdout.write(
                    "warned {warned}, breached {breached}".format(**counts)
                )
            if once or self._stopping:
                return
            deadline = time.monotonic() + every
            while not self._stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
            if self._stopping:
                return

    def _stop(self, signum, frame):
        self._stopping = True
