"""Close tickets resolved AUTO_CLOSE_DAYS ago or more (for cron or the worker)."""

from django.core.management.base import BaseCommand

from tickets.services import tickets_auto_close


class Command(BaseCommand):
    help = "Close resolved tickets after AUTO_CLOSE_DAYS (default 7)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Override AUTO_CLOSE_DAYS."
        )

    def handle(self, *args, days=None, **options):
        closed = tickets_auto_close(days=days)
        for ticket in closed:
            self.stdout.write(f"closed {ticket.reference}")
        self.stdout.write(f"{len(closed)} ticket(s) closed.")
