"""Remove uploaded objects whose upload slot was never registered."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from attachments.services import uploads_cleanup


class Command(BaseCommand):
    help = (
        "Delete objects handed out for upload more than --max-age seconds ago "
        "(default ATTACHMENT_UNREGISTERED_MAX_AGE) and never registered."
    )

    def add_arguments(self, parser):
        parser.add_argument("--max-age", type=int, default=None)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, max_age, dry_run, **options):
        if max_age is None:
            max_age = settings.ATTACHMENT_UNREGISTERED_MAX_AGE
        if max_age < 0:
            raise CommandError("--max-age must not be negative.")
        result = uploads_cleanup(max_age=max_age, dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{verb} {result.removed} unregistered upload(s).")
        if result.failed:
            raise CommandError(
                f"{result.failed} upload(s) could not be removed (storage "
                "unreachable); they are kept for the next run."
            )
