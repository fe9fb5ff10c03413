"""Fan out queued ticket events and send the e-mails: `manage.py notifications_worker`.

Each round first answers the linked tickets still waiting on resolved outage
notices (`tickets.services.incidents.incident_answer_round`, docs/incidents.md),
then turns queued events into every recipient's in-app notification and e-mail
(`services.fan_out_queued`), then sends what is due.
"""

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from notifications import outbox, services
from tickets.services import incidents


class Command(BaseCommand):
    help = (
        "Send queued notification e-mails over SMTP, retrying with back-off. "
        "Several workers may run side by side."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Send what is due now, then exit (for cron and tests).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds to wait when nothing is due "
            "(default: NOTIFICATIONS_WORKER_INTERVAL).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Mails claimed at a time (default: NOTIFICATIONS_BATCH_SIZE).",
        )

    def handle(self, *args, once=False, interval=None, batch_size=None, **options):
        interval = (
            interval
            if interval is not None
            else (settings.NOTIFICATIONS_WORKER_INTERVAL)
        )
        batch_size = batch_size or settings.NOTIFICATIONS_BATCH_SIZE
        token = outbox.worker_token()
        self._stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
            self.stdout.write(f"notifications worker {token} started")
        while True:
            if not once:
                # A long-running process: drop connections that went stale.
                close_old_connections()
            # Linked tickets of resolved outage notices first: their
            # notifications are then fanned out in this very round.
            incidents.incident_answer_round(limit=batch_size)
            services.fan_out_backlog(batch_size=batch_size)
            counts = outbox.process_batch(token=token, limit=batch_size)
            if counts["claimed"] and options.get("verbosity", 1) >= 1:
                self.stdout.write(
                    "sent {sent}, deferred {deferred}, failed {failed}, "
                    "dropped {dropped}".format(**counts)
                )
            if once:
                # Drain everything that is due now, batch after batch.
                if counts["claimed"] < batch_size:
                    return
                continue
            if self._stopping:
                return
            if counts["claimed"] < batch_size:
                self._sleep(interval)
            if self._stopping:
                return

    def _stop(self, signum, frame):
        # Finish the mail in hand, then leave: nothing is half-recorded.
        self._stopping = True

    def _sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < deadline:
            time.sleep(min(0.5, deadline - time.monotonic()))
