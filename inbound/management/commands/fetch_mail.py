"""Turn mail in the desk's IMAP mailbox into tickets and replies: `manage.py fetch_mail`.

Polls every INBOUND_POLL_INTERVAL seconds; `--once` handles what is there and
exits (0 even when some mails were malformed: those went to the error folder
and show in the admin). See docs/inbound-email.md.
"""

import signal
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from inbound import mailbox, services


class Command(BaseCommand):
    help = (
        "Fetch mail from the desk's IMAP mailbox (INBOUND_IMAP_*) and turn it into "
        "tickets and replies."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Handle the mail there now, then exit (for cron and tests).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between polls (default: INBOUND_POLL_INTERVAL).",
        )

    def handle(self, *args, once=False, interval=None, **options):
        interval = settings.INBOUND_POLL_INTERVAL if interval is None else interval
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        self._stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        if not settings.INBOUND_IMAP_HOST:
            if once:
                raise CommandError("Inbound e-mail is off: set INBOUND_IMAP_HOST.")
            # The compose service runs whether or not a mailbox is configured.
            self.stdout.write("Inbound e-mail is off (no INBOUND_IMAP_HOST); idle.")
            while not self._stopping:
                self._sleep(3600)
            return
        try:
            services.intake_user()  # INBOUND_REPLY_ADDRESS must be set
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if once:
            self._run_once(raise_errors=True)
            return
        self.stdout.write(
            f"fetch_mail polling {settings.INBOUND_IMAP_HOST} every {interval:g}s"
        )
        while not self._stopping:
            close_old_connections()
            self._run_once(raise_errors=False)
            self._sleep(interval)

    def _run_once(self, *, raise_errors: bool):
        try:
            report = mailbox.fetch_mail()
        except mailbox.MailboxUnavailable as exc:
            if raise_errors:
                raise CommandError(
                    f"The mailbox cannot be reached or refused the sign-in: {exc}"
                ) from exc
            self.stderr.write(
                f"The mailbox cannot be reached or refused the sign-in: {exc}; "
                "trying again."
            )
            return
        if report.total or self.verbosity >= 2:
            self.stdout.write(f"fetched {report.total}: {report}")

    def _stop(self, signum, frame):
        # Finish the mail in hand, then leave: nothing is half-recorded.
        self._stopping = True

    def _sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < deadline:
            time.sleep(min(0.5, deadline - time.monotonic()))
