"""cleanup_uploads and storage_cors, against the local folder and SeaweedFS."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from attachments import services
from attachments.models import Attachment, UploadSlot
from attachments.storage import get_backend

DATA = b"hello, world\n" * 10


@pytest.fixture(params=["object", "local"])
def backend(request):
    request.getfixturevalue(f"{request.param}_storage")
    return request.param


def _slot(user, ticket, *, age_hours, register=False):
    grant = services.attachment_presign(
        ticket=ticket,
        by=user,
        filename="notes.txt",
        content_type="text/plain",
        size=len(DATA),
    )
    get_backend().save(grant.key, io.BytesIO(DATA), content_type="text/plain")
    if register:
        services.attachment_register(
            ticket=ticket,
            by=user,
            key=grant.key,
            filename="notes.txt",
            content_type="text/plain",
            size=len(DATA),
        )
    UploadSlot.objects.filter(key=grant.key).update(
        created_at=timezone.now() - timedelta(hours=age_hours)
    )
    return grant.key


def test_cleanup_removes_old_unregistered_uploads_only(backend, requester, ticket):
    stale = _slot(requester, ticket, age_hours=30)
    recent = _slot(requester, ticket, age_hours=1)
    registered = _slot(requester, ticket, age_hours=30, register=True)
    out = io.StringIO()
    call_command("cleanup_uploads", stdout=out)
    assert "Removed 1 " in out.getvalue()
    storage = get_backend()
    assert storage.object_size(stale) is None
    assert storage.object_size(recent) == len(DATA)
    assert storage.object_size(registered) == len(DATA)
    assert set(UploadSlot.objects.values_list("key", flat=True)) == {
        recent,
        registered,
    }
    assert Attachment.objects.get().key == registered


def test_cleanup_age_is_configurable(backend, requester, ticket, settings):
    key = _slot(requester, ticket, age_hours=2)
    call_command("cleanup_uploads", "--max-age", str(3 * 3600), stdout=io.StringIO())
    assert get_backend().object_size(key) == len(DATA)
    settings.ATTACHMENT_UNREGISTERED_MAX_AGE = 3600
    call_command("cleanup_uploads", stdout=io.StringIO())
    assert get_backend().object_size(key) is None


def test_cleanup_dry_run_removes_nothing(local_storage, requester, ticket):
    key = _slot(requester, ticket, age_hours=30)
    out = io.StringIO()
    call_command("cleanup_uploads", "--dry-run", stdout=out)
    assert "Would remove 1 " in out.getvalue()
    assert get_backend().object_size(key) == len(DATA)


def test_cleanup_keeps_slots_when_storage_is_unreachable(
    settings, local_storage, requester, ticket, storage_down
):
    UploadSlot.objects.create(
        key=f"tickets/{ticket.pk}/abc/x.txt",
        ticket=ticket,
        uploader=requester,
        filename="x.txt",
        content_type="text/plain",
        size=1,
    )
    UploadSlot.objects.update(created_at=timezone.now() - timedelta(days=3))
    with pytest.raises(CommandError, match="could not be removed"):
        call_command("cleanup_uploads", stdout=io.StringIO())
    assert UploadSlot.objects.count() == 1


def test_storage_cors_allows_the_site_origin(object_storage, s3_client, settings):
    settings.APP_BASE_URL = "https://helpdesk.school.ac.kr"
    call_command("storage_cors", stdout=io.StringIO())
    rules = s3_client.get_bucket_cors(Bucket=settings.OBJECT_STORAGE_BUCKET)
    (rule,) = rules["CORSRules"]
    assert rule["AllowedOrigins"] == ["https://helpdesk.school.ac.kr"]
    assert {"PUT", "GET"} <= set(rule["AllowedMethods"])


def test_storage_cors_takes_several_origins(object_storage, s3_client, settings):
    call_command(
        "storage_cors",
        "--origin",
        "https://a.example.ac.kr/",
        "--origin",
        "http://localhost:8000",
        stdout=io.StringIO(),
    )
    rules = s3_client.get_bucket_cors(Bucket=settings.OBJECT_STORAGE_BUCKET)
    assert rules["CORSRules"][0]["AllowedOrigins"] == [
        "https://a.example.ac.kr",
        "http://localhost:8000",
    ]


def test_storage_cors_reports_an_unreachable_storage(storage_down):
    with pytest.raises(CommandError, match="Could not set CORS"):
        call_command("storage_cors", stdout=io.StringIO())
