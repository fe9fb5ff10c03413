"""Create the attachment bucket if it is missing, then set its CORS rules.

Safe to run on every start (the compose route's `storage-setup` service does):
an existing bucket and its files are left as they are, and the CORS rules are
written again for the current APP_BASE_URL (or --origin).
"""

import time

from django.conf import settings
from django.core.management.base import CommandError

from attachments.management.commands import storage_cors
from attachments.storage import ObjectStorage, StorageUnavailable

RETRY_INTERVAL = 1


class Command(storage_cors.Command):
    help = (
        "Create the object storage bucket (OBJECT_STORAGE_BUCKET) if it does not "
        "exist, then allow the site's origin (APP_BASE_URL, or --origin) to upload "
        "to it and download from it. Does nothing unless STORAGE_BACKEND=object."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--wait",
            type=int,
            default=0,
            help="Seconds to keep trying while the storage is not answering yet "
            "(a container still starting). Default: try once.",
        )

    def handle(self, *args, wait, **options):
        if settings.STORAGE_BACKEND != "object":
            self.stdout.write("STORAGE_BACKEND is not 'object': nothing to do.")
            return
        if wait < 0:
            raise CommandError("--wait must not be negative.")
        created = self.create_bucket(ObjectStorage.from_settings(), wait=wait)
        verb = "created" if created else "already exists"
        self.stdout.write(f"Bucket {settings.OBJECT_STORAGE_BUCKET}: {verb}.")
        super().handle(*args, **options)

    def create_bucket(self, storage: ObjectStorage, *, wait: int) -> bool:
        deadline = time.monotonic() + wait
        while True:
            try:
                return storage.create_bucket()
            except StorageUnavailable as exc:
                if time.monotonic() >= deadline:
                    raise CommandError(self.unavailable_message(exc, wait)) from exc
            time.sleep(RETRY_INTERVAL)

    @staticmethod
    def unavailable_message(exc: StorageUnavailable, wait: int) -> str:
        waited = f" (tried for {wait} s)" if wait else ""
        return (
            f"Could not create or find the bucket {settings.OBJECT_STORAGE_BUCKET!r} "
            f"at {settings.OBJECT_STORAGE_ENDPOINT or 'the default S3 endpoint'}"
            f"{waited}: {exc}. Check that the storage server is running and "
            "reachable at OBJECT_STORAGE_ENDPOINT, and that OBJECT_STORAGE_ACCESS_KEY "
            "and OBJECT_STORAGE_SECRET_KEY are right."
        )
