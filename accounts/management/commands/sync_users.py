"""Sync users from the school's MIS database: `manage.py sync_users`."""

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.sync import SyncError, sync_users_once


class Command(BaseCommand):
    help = (
        "Create, update and deactivate users from the MIS database "
        "(MIS_DATABASE_URL). Users created by hand are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would change and write nothing.",
        )
        parser.add_argument(
            "--send-links",
            action="store_true",
            help="E-mail a set-password link to every user this run creates.",
        )
        parser.add_argument(
            "--adopt-manual",
            action="store_true",
            help="Take over accounts created by hand whose e-mail is in the MIS.",
        )
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Keep running, syncing every SECONDS (for a scheduler service).",
        )

    def handle(self, *args, every=None, **options):
        if every is None:
            self.run_once(options)
            return
        if every < 60:
            raise CommandError("--every must be at least 60 seconds.")
        while True:
            try:
                self.run_once(options)
            except CommandError as exc:
                # A scheduler keeps going; the next run may find the MIS back.
                self.stderr.write(str(exc))
            time.sleep(every)

    def run_once(self, options):
        try:
            result = sync_users_once(
                dry_run=options["dry_run"],
                send_links=options["send_links"],
                adopt_manual=options["adopt_manual"],
            )
        except SyncError as exc:
            raise CommandError(
                f"Directory sync failed, nothing changed: {exc}"
            ) from exc
        if options["dry_run"] or options["verbosity"] >= 2:
            for change in result.changes:
                self.stdout.write(str(change))
        for skipped in result.skipped:
            self.stdout.write(f"skipped    {skipped}")
        self.stdout.write(result.summary())
