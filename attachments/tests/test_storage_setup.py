"""storage_setup: the bucket and its CORS, against SeaweedFS and a dead port."""

import io
import time
import uuid

import pytest
from django.core.management import CommandError, call_command

from attachments.storage import ObjectStorage


@pytest.fixture
def new_bucket(object_storage, settings):
    """A bucket name SeaweedFS has not seen yet."""
    settings.OBJECT_STORAGE_BUCKET = f"setup-{uuid.uuid4().hex[:12]}"
    return settings.OBJECT_STORAGE_BUCKET


def _bucket_names(s3_client) -> set[str]:
    return {bucket["Name"] for bucket in s3_client.list_buckets()["Buckets"]}


def test_storage_setup_creates_a_missing_bucket_with_cors(
    new_bucket, s3_client, settings
):
    settings.APP_BASE_URL = "https://helpdesk.school.ac.kr/"
    out = io.StringIO()
    call_command("storage_setup", stdout=out)
    assert new_bucket in _bucket_names(s3_client)
    assert f"Bucket {new_bucket}: created." in out.getvalue()
    (rule,) = s3_client.get_bucket_cors(Bucket=new_bucket)["CORSRules"]
    assert rule["AllowedOrigins"] == ["https://helpdesk.school.ac.kr"]
    assert {"PUT", "GET"} <= set(rule["AllowedMethods"])


def test_storage_setup_again_keeps_the_bucket_and_its_files(
    new_bucket, s3_client, settings
):
    call_command("storage_setup", stdout=io.StringIO())
    s3_client.put_object(Bucket=new_bucket, Key="tickets/1/a/kept.txt", Body=b"kept")
    settings.APP_BASE_URL = "https://desk.example.ac.kr"
    out = io.StringIO()
    call_command("storage_setup", "--origin", "http://localhost:8000", stdout=out)
    assert f"Bucket {new_bucket}: already exists." in out.getvalue()
    body = s3_client.get_object(Bucket=new_bucket, Key="tickets/1/a/kept.txt")["Body"]
    assert body.read() == b"kept"
    (rule,) = s3_client.get_bucket_cors(Bucket=new_bucket)["CORSRules"]
    assert rule["AllowedOrigins"] == ["http://localhost:8000"]


def test_storage_setup_reports_an_unreachable_storage(storage_down, settings):
    with pytest.raises(CommandError) as error:
        call_command("storage_setup", stdout=io.StringIO())
    message = str(error.value)
    assert message.startswith("Could not create or find the bucket")
    assert settings.OBJECT_STORAGE_ENDPOINT in message
    assert "Check that the storage server is running" in message


def test_storage_setup_waits_for_a_storage_that_is_not_up_yet(storage_down):
    started = time.monotonic()
    with pytest.raises(CommandError, match=r"tried for 2 s"):
        call_command("storage_setup", "--wait", "2", stdout=io.StringIO())
    assert time.monotonic() - started >= 2


def test_storage_setup_reports_wrong_keys(new_bucket, s3_client, settings):
    settings.OBJECT_STORAGE_SECRET_KEY = "not-the-secret"
    with pytest.raises(CommandError, match="Could not create or find the bucket"):
        call_command("storage_setup", stdout=io.StringIO())
    assert new_bucket not in _bucket_names(s3_client)


def test_storage_setup_rejects_a_negative_wait(object_storage):
    with pytest.raises(CommandError, match="--wait must not be negative"):
        call_command("storage_setup", "--wait", "-1", stdout=io.StringIO())


def test_storage_setup_does_nothing_for_the_local_backend(local_storage):
    out = io.StringIO()
    call_command("storage_setup", stdout=out)
    assert "nothing to do" in out.getvalue()


def test_storage_setup_names_the_region_outside_us_east_1(
    new_bucket, s3_client, settings
):
    settings.OBJECT_STORAGE_REGION = "kr-standard"
    sent = []
    ObjectStorage.from_settings().client.meta.events.register(
        "provide-client-params.s3.CreateBucket",
        lambda params, **kwargs: sent.append(dict(params)),
    )
    call_command("storage_setup", stdout=io.StringIO())
    assert new_bucket in _bucket_names(s3_client)
    # AWS refuses a bucket outside us-east-1 without its location.
    assert sent == [
        {
            "Bucket": new_bucket,
            "CreateBucketConfiguration": {"LocationConstraint": "kr-standard"},
        }
    ]
