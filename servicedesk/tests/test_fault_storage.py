"""Object storage unreachable: a clear 503 or a clear form error, nothing registered.

The storage is configured at a loopback port where nothing listens. Handing out
a presigned upload URL needs no network (it is signed locally), so that step
still answers; the upload to that URL fails in the client; registering it, or a
file sent with a reply, reaches the storage and is refused cleanly.
"""

import socket

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachments.models import Attachment, UploadSlot

from .world import build_world

PDF = b"%PDF-1.4 storage outage test\n"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"
    return build_world()


@pytest.fixture
def storage_down(settings, world):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.STORAGE_BACKEND = "object"
    settings.OBJECT_STORAGE_ENDPOINT = f"http://127.0.0.1:{port}"
    settings.OBJECT_STORAGE_PUBLIC_ENDPOINT = f"http://127.0.0.1:{port}"
    settings.OBJECT_STORAGE_ACCESS_KEY = "outage-test"
    settings.OBJECT_STORAGE_SECRET_KEY = "outage-test-secret"
    settings.OBJECT_STORAGE_TIMEOUT = 1


def test_the_three_steps_with_the_storage_down(as_user, world, storage_down):
    client = as_user(world.requester)
    client.cookies["django_language"] = "en"
    ticket = world.tickets["own"]
    before = Attachment.objects.count()
    grant = client.post(
        f"/api/tickets/{ticket.pk}/attachments/presign",
        {"filename": "report.pdf", "content_type": "application/pdf", "size": len(PDF)},
        format="json",
    )
    assert grant.status_code == 200
    grant = grant.json()
    with pytest.raises(requests.ConnectionError):
        requests.put(grant["upload_url"], data=PDF, headers=grant["headers"], timeout=5)
    response = client.post(
        f"/api/tickets/{ticket.pk}/attachments",
        {
            "key": grant["key"],
            "filename": "report.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
        },
        format="json",
    )
    assert response.status_code == 503
    assert "storage" in response.json()["detail"].lower()
    assert Attachment.objects.count() == before
    assert UploadSlot.objects.get(key=grant["key"]).registered_at is None


def english(client):
    """The header's switch: the choice is saved on the signed-in user."""
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 302


def test_a_reply_with_a_file_and_the_storage_down_keeps_the_reply(
    client, world, storage_down
):
    client.force_login(world.requester)
    english(client)
    ticket = world.tickets["own"]
    before = Attachment.objects.count()
    response = client.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {
            "body": "로그 파일을 첨부합니다.",
            "visibility": "public",
            "files": SimpleUploadedFile("report.pdf", PDF, "application/pdf"),
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "로그 파일을 첨부합니다." in page  # the reply is kept
    assert "“report.pdf” did not upload" in page  # and the file is named
    assert Attachment.objects.count() == before
