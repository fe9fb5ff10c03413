"""Recount the status counters from the tickets table (see `services.counters`)."""

from django.core.management.base import BaseCommand

from tickets.services import counters


class Command(BaseCommand):
    help = (
        "Set the per-status ticket counters to the counts in the tickets table, "
        "print what changed and move the data version if anything did."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would change; write nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        changes = counters.recount(dry_run=dry_run)
        for key, (stored, counted) in changes.items():
            self.stdout.write(f"{key:<20} {stored} -> {counted}")
        if not changes:
            self.stdout.write("The counters match the tickets.")
        elif dry_run:
            self.stdout.write(
                f"Dry run: {len(changes)} counter(s) would change; nothing written."
            )
        else:
            self.stdout.write(
                f"{len(changes)} counter(s) corrected; the data version moved."
            )
