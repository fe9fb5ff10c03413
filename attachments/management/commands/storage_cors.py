"""Set the bucket's CORS rules so browsers on the site may PUT and GET files."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from attachments.storage import ObjectStorage, StorageUnavailable


class Command(BaseCommand):
    help = (
        "Allow the site's origin (APP_BASE_URL, or --origin) to upload to and "
        "download from the object storage bucket (STORAGE_BACKEND=object)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--origin",
            action="append",
            dest="origins",
            help="An allowed origin such as https://helpdesk.example.ac.kr; "
            "repeat for several. Default: APP_BASE_URL.",
        )
        parser.add_argument("--max-age", type=int, default=3600)

    def handle(self, *args, origins, max_age, **options):
        if settings.STORAGE_BACKEND != "object":
            self.stdout.write("STORAGE_BACKEND is not 'object': nothing to do.")
            return
        origins = [origin.rstrip("/") for origin in origins or [settings.APP_BASE_URL]]
        try:
            ObjectStorage.from_settings().set_cors(origins, max_age=max_age)
        except StorageUnavailable as exc:
            raise CommandError(f"Could not set CORS on the bucket: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"CORS set on {settings.OBJECT_STORAGE_BUCKET}: {', '.join(origins)}"
            )
        )
