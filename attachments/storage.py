"""Where attachment bytes live: S3-compatible object storage or a local folder.

`get_backend()` reads the settings at call time, so tests (and a changed
environment) switch backends without re-importing anything. Both backends offer
the same operations; callers never need to know which one answers:

- `presign_upload(key, content_type, size, expires)`: a URL, the method and the
  headers a client must send to put exactly that file at `key`;
- `object_size(key)`: the stored size, or None when nothing is there;
- `download_url(key, filename, content_type, expires)`: a short-lived URL that
  serves the file as an attachment under its original name;
- `save(key, fileobj, content_type)` (the form upload) and `delete(key)`;
- `copy(source_key, key)`: a second object with the same bytes (a merge copies
  files to the target ticket), independent of the first from then on.

Failures to reach the storage raise `StorageUnavailable`.
"""

import os
import shutil
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage

CHUNK_SIZE = 64 * 1024
UPLOAD_SALT = "attachments.local-upload"
DOWNLOAD_SALT = "attachments.local-download"


class StorageUnavailable(Exception):
    """The storage could not be reached or refused to work with us."""


@dataclass(frozen=True)
class UploadTicket:
    url: str
    method: str
    headers: dict[str, str]


def disposition(filename: str) -> str:
    """`attachment` with the name kept intact (RFC 5987 for non-ASCII names)."""
    return content_disposition_header(True, filename)


def get_backend():
    if settings.STORAGE_BACKEND == "object":
        return ObjectStorage.from_settings()
    if settings.STORAGE_BACKEND == "local":
        return LocalStorage(Path(settings.LOCAL_UPLOAD_ROOT))
    raise StorageUnavailable(f"Unknown STORAGE_BACKEND {settings.STORAGE_BACKEND!r}")


# --- S3-compatible object storage ------------------------------------------------


@lru_cache(maxsize=8)
def _s3_storage(
    endpoint, bucket, region, access_key, secret_key, addressing_style, timeout
) -> S3Storage:
    """One django-storages backend per configuration (they hold boto3 clients)."""
    return S3Storage(
        bucket_name=bucket,
        endpoint_url=endpoint or None,
        region_name=region or None,
        # Empty keys mean boto3's own chain: environment, shared credentials
        # file, instance role.
        access_key=access_key or None,
        secret_key=secret_key or None,
        security_token=None,
        session_profile=None,
        default_acl=None,
        file_overwrite=True,
        querystring_auth=True,
        client_config=Config(
            signature_version="s3v4",
            s3={"addressing_style": addressing_style},
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 2, "mode": "standard"},
        ),
    )


class ObjectStorage:
    """django-storages' S3 backend, plus boto3 presigning for uploads.

    Two storages share the settings: `internal` talks to the endpoint this
    server reaches; `public` only signs URLs for the address browsers reach.
    """

    def __init__(self, internal: S3Storage, public: S3Storage):
        self.internal = internal
        self.public = public

    @classmethod
    def from_settings(cls):
        common = (
            settings.OBJECT_STORAGE_BUCKET,
            settings.OBJECT_STORAGE_REGION,
            settings.OBJECT_STORAGE_ACCESS_KEY,
            settings.OBJECT_STORAGE_SECRET_KEY,
            settings.OBJECT_STORAGE_ADDRESSING_STYLE,
            settings.OBJECT_STORAGE_TIMEOUT,
        )
        endpoint = settings.OBJECT_STORAGE_ENDPOINT
        public = settings.OBJECT_STORAGE_PUBLIC_ENDPOINT or endpoint
        return cls(_s3_storage(endpoint, *common), _s3_storage(public, *common))

    @property
    def bucket(self) -> str:
        return self.internal.bucket_name

    @property
    def client(self):
        return self.internal.connection.meta.client

    def presign_upload(self, key, *, content_type, size, expires) -> UploadTicket:
        client = self.public.connection.meta.client
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ContentType": content_type,
            "ContentLength": size,
        }
        try:
            url = client.generate_presigned_url(
                "put_object", Params=params, ExpiresIn=expires, HttpMethod="PUT"
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        return UploadTicket(url, "PUT", {"Content-Type": content_type})

    def object_size(self, key) -> int | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return None
            raise StorageUnavailable(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(str(exc)) from exc
        return head["ContentLength"]

    def download_url(self, key, *, filename, content_type, expires) -> str:
        parameters = {
            "ResponseContentDisposition": disposition(filename),
            "ResponseContentType": content_type,
        }
        try:
            return self.public.url(key, parameters=parameters, expire=expires)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(str(exc)) from exc

    def save(self, key, fileobj, *, content_type) -> None:
        try:
            self.client.upload_fileobj(
                fileobj,
                self.bucket,
                key,
                ExtraArgs={"ContentType": content_type},
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(str(exc)) from exc

    def delete(self, key) -> None:
        try:
            self.internal.delete(key)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(str(exc)) from exc

    def copy(self, source_key, key) -> None:
        try:
            self.client.copy_object(
                Bucket=self.bucket,
                Key=key,
                CopySource={"Bucket": self.bucket, "Key": source_key},
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(str(exc)) from exc

    def create_bucket(self) -> bool:
        """Create the bucket unless it is there; True when this call created it."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return False
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404:
                raise StorageUnavailable(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(str(exc)) from exc
        params = {"Bucket": self.bucket}
        region = self.client.meta.region_name
        # AWS refuses an explicit us-east-1 location; every other region needs one.
        if region and region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            self.client.create_bucket(**params)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "BucketAlreadyOwnedByYou":
                return False
            raise StorageUnavailable(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(str(exc)) from exc
        return True

    def set_cors(self, origins, *, max_age=3600) -> dict:
        rules = {
            "CORSRules": [
                {
                    "AllowedOrigins": list(origins),
                    "AllowedMethods": ["PUT", "GET", "HEAD"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": max_age,
                }
            ]
        }
        try:
            self.client.put_bucket_cors(Bucket=self.bucket, CORSConfiguration=rules)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        return rules


# --- A local folder, with Django itself as the "storage server" ----------------


class BadUploadToken(Exception):
    """The local upload or download URL is tampered with, or has expired."""


def _sign(payload: dict, *, salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign_object(payload, compress=True)


def _unsign(token: str, *, salt: str) -> dict:
    """The payload, if the signature holds and its own lifetime has not passed."""
    signer = signing.TimestampSigner(salt=salt)
    try:
        payload = signer.unsign_object(token)
        return signer.unsign_object(token, max_age=payload["expires"])
    except (signing.BadSignature, KeyError, TypeError) as exc:
        raise BadUploadToken(str(exc)) from exc


class LocalStorage:
    """Files under LOCAL_UPLOAD_ROOT; signed URLs served by our own views."""

    def __init__(self, root: Path):
        self.root = root
        self.files = FileSystemStorage(location=root)

    def path(self, key) -> Path:
        """Where `key` lives under the root.

        Django's `FileSystemStorage.path()` raises `SuspiciousFileOperation`
        for a key that would leave the root (`..`, an absolute path), so a
        tampered key can never reach another file.
        """
        return Path(self.files.path(key))

    def presign_upload(self, key, *, content_type, size, expires) -> UploadTicket:
        token = _sign(
            {"key": key, "type": content_type, "size": size, "expires": expires},
            salt=UPLOAD_SALT,
        )
        url = reverse("attachments:local-upload", args=[token])
        return UploadTicket(url, "PUT", {"Content-Type": content_type})

    @staticmethod
    def read_upload_token(token: str) -> dict:
        return _unsign(token, salt=UPLOAD_SALT)

    def object_size(self, key) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def download_url(self, key, *, filename, content_type, expires) -> str:
        token = _sign(
            {
                "key": key,
                "name": filename,
                "type": content_type,
                "expires": expires,
            },
            salt=DOWNLOAD_SALT,
        )
        return reverse("attachments:local-download", args=[token])

    @staticmethod
    def read_download_token(token: str) -> dict:
        return _unsign(token, salt=DOWNLOAD_SALT)

    def write_stream(self, key, stream, *, size: int) -> int:
        """Copy exactly `size` bytes from `stream` to `key`, a chunk at a time.

        The bytes go to a temporary file next to the target, which replaces
        the target only once complete; a short or long body leaves nothing.
        Returns the number of bytes read (which differs from `size` on error).
        """
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc
        partial = target.with_name(f".{target.name}.{os.getpid()}.{time.time_ns()}")
        received = 0
        try:
            with open(partial, "wb") as out:
                while received <= size:
                    chunk = stream.read(min(CHUNK_SIZE, size + 1 - received))
                    if not chunk:
                        break
                    received += len(chunk)
                    out.write(chunk)
            if received == size:
                os.replace(partial, target)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc
        finally:
            partial.unlink(missing_ok=True)
        return received

    def save(self, key, fileobj, *, content_type) -> None:
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as out:
                shutil.copyfileobj(fileobj, out, CHUNK_SIZE)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def delete(self, key) -> None:
        try:
            self.path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def copy(self, source_key, key) -> None:
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.path(source_key), target)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc
