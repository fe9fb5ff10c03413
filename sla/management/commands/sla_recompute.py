"""Compute the service-level fields of existing tickets: `manage.py sla_recompute`.

Runs `tickets.services.tickets_sla_recompute`: every ticket's due times and
state are computed afresh from its history (creation and status changes) on
the current calendar and targets, and so are the working-time durations to
the first response and to the resolution that the reports read. Use it once after upgrading to a version
with service levels, after loading tickets from elsewhere, or after changing
the targets or the calendar when open tickets should follow at once (the
ticket services only recompute a ticket when it changes). Safe while the
service runs, and safe to run twice.
"""

from django.core.management.base import BaseCommand, CommandError

from tickets import services


class Command(BaseCommand):
    help = "Compute every ticket's service-level due times and state afresh."

    def add_arguments(self, parser):
        parser.add_argument(
            "--open-only",
            action="store_true",
            help="Only tickets that are new, in progress or waiting.",
        )
        parser.add_argument(
            "--tell",
            action="store_true",
            help=(
                "Let `sla_watch` send warnings and breach notices for tickets "
                "already due soon or overdue (by default they count as told)."
            ),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Tickets per transaction (default 1000).",
        )

    def handle(self, *args, open_only=False, tell=False, batch_size=1000, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        counts = services.tickets_sla_recompute(
            batch_size=batch_size, open_only=open_only, tell=tell
        )
        self.stdout.write(f"{counts['read']} tickets read, {counts['changed']} changed")
