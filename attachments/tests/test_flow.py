"""The three steps and the download over real HTTP, on both backends.

Object storage is a real SeaweedFS on loopback; the local backend is Django
itself behind `live_server`. Every request here is a real HTTP request.
"""

import hashlib
import time
import tracemalloc
from urllib.parse import quote

import pytest
import requests

from accounts.api.tokens import RefreshToken
from attachments.models import Attachment
from tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
KOREAN_NAME = "화면 캡처 (1).png"


@pytest.fixture(params=["object", "local"])
def backend(request, live_server):
    """Each flow test runs once per backend; yields its name."""
    request.getfixturevalue(f"{request.param}_storage")
    return request.param


@pytest.fixture
def api(live_server):
    """A real HTTP client for the API, signed in by JWT as `user`."""

    def _as(user):
        session = requests.Session()
        token = RefreshToken.for_user(user).access_token
        session.headers["Authorization"] = f"Bearer {token}"
        session.base = live_server.url
        return session

    return _as


def _presign(session, ticket, *, filename=KOREAN_NAME, body=PNG, **extra):
    payload = {
        "filename": filename,
        "content_type": "image/png",
        "size": len(body),
        **extra,
    }
    response = session.post(
        f"{session.base}/api/tickets/{ticket.pk}/attachments/presign", json=payload
    )
    assert response.status_code == 200, response.text
    return response.json()


def _register(session, ticket, grant, *, filename=KOREAN_NAME, body=PNG, **extra):
    return session.post(
        f"{session.base}/api/tickets/{ticket.pk}/attachments",
        json={
            "key": grant["key"],
            "filename": filename,
            "content_type": "image/png",
            "size": len(body),
            **extra,
        },
    )


def _tamper(url: str) -> str:
    """Flip the last character of the signature in a signed URL."""
    last = url[-1]
    return url[:-1] + ("0" if last != "0" else "1")


def test_upload_register_list_and_download_round_trip(backend, api, requester, ticket):
    session = api(requester)
    grant = _presign(session, ticket)
    assert grant["method"] == "PUT"
    assert grant["expires_in"] == 600
    assert grant["key"].startswith(f"tickets/{ticket.pk}/")
    assert grant["upload_url"].startswith("http")

    put = requests.put(grant["upload_url"], data=PNG, headers=grant["headers"])
    assert put.status_code == 200, put.text

    registered = _register(session, ticket, grant)
    assert registered.status_code == 201, registered.text
    body = registered.json()
    assert body["filename"] == KOREAN_NAME
    assert body["size"] == len(PNG)
    assert body["internal"] is False

    listed = session.get(f"{session.base}/api/tickets/{ticket.pk}/attachments")
    assert [item["id"] for item in listed.json()] == [body["id"]]

    redirect = session.get(body["download_url"], allow_redirects=False)
    assert redirect.status_code == 302
    assert redirect.headers["X-Content-Type-Options"] == "nosniff"
    download = requests.get(redirect.headers["Location"])
    assert download.status_code == 200
    assert hashlib.sha256(download.content).digest() == hashlib.sha256(PNG).digest()
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote(KOREAN_NAME)}" in disposition
    assert download.headers["Content-Type"] == "image/png"
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ATTACHMENT_ADDED)
    assert (event.new_value, event.internal) == (KOREAN_NAME, False)


def test_upload_with_another_content_type_is_refused(backend, api, requester, ticket):
    session = api(requester)
    grant = _presign(session, ticket)
    put = requests.put(
        grant["upload_url"], data=PNG, headers={"Content-Type": "text/html"}
    )
    assert put.status_code == 403
    registered = _register(session, ticket, grant)
    assert registered.status_code == 400
    assert "key" in registered.json()
    assert not Attachment.objects.exists()


def test_upload_of_another_length_is_refused(backend, api, requester, ticket):
    session = api(requester)
    grant = _presign(session, ticket)
    put = requests.put(grant["upload_url"], data=PNG + b"x", headers=grant["headers"])
    assert put.status_code == 403
    assert _register(session, ticket, grant).status_code == 400
    assert not Attachment.objects.exists()


def test_expired_upload_url_is_refused(backend, api, requester, ticket, settings):
    settings.ATTACHMENT_UPLOAD_EXPIRES = 1
    session = api(requester)
    grant = _presign(session, ticket)
    time.sleep(2.2)
    put = requests.put(grant["upload_url"], data=PNG, headers=grant["headers"])
    assert put.status_code == 403
    assert _register(session, ticket, grant).status_code == 400


def test_tampered_upload_url_is_refused(backend, api, requester, ticket):
    session = api(requester)
    grant = _presign(session, ticket)
    put = requests.put(_tamper(grant["upload_url"]), data=PNG, headers=grant["headers"])
    assert put.status_code == 403
    assert _register(session, ticket, grant).status_code == 400


def _uploaded(session, ticket):
    grant = _presign(session, ticket)
    put = requests.put(grant["upload_url"], data=PNG, headers=grant["headers"])
    assert put.status_code == 200, put.text
    registered = _register(session, ticket, grant)
    assert registered.status_code == 201, registered.text
    return registered.json()


def test_expired_download_url_is_refused(backend, api, requester, ticket, settings):
    session = api(requester)
    attachment = _uploaded(session, ticket)
    settings.ATTACHMENT_DOWNLOAD_EXPIRES = 1
    redirect = session.get(attachment["download_url"], allow_redirects=False)
    time.sleep(2.2)
    assert requests.get(redirect.headers["Location"]).status_code == 403


def test_tampered_download_url_is_refused(backend, api, requester, ticket):
    session = api(requester)
    attachment = _uploaded(session, ticket)
    redirect = session.get(attachment["download_url"], allow_redirects=False)
    assert requests.get(redirect.headers["Location"]).status_code == 200
    assert requests.get(_tamper(redirect.headers["Location"])).status_code == 403


def test_a_25_mb_file_goes_through(backend, api, agent, ticket, tmp_path):
    """The limit itself; on the local backend the body streams to disk."""
    size = 25 * 1024 * 1024
    source = tmp_path / "big.zip"
    with open(source, "wb") as out:
        for _ in range(25):
            out.write(hashlib.sha512(out.name.encode()).digest() * 16384)
    assert source.stat().st_size == size
    session = api(agent)
    response = session.post(
        f"{session.base}/api/tickets/{ticket.pk}/attachments/presign",
        json={"filename": "big.zip", "content_type": "application/zip", "size": size},
    )
    assert response.status_code == 200, response.text
    grant = response.json()
    tracemalloc.start()
    try:
        with open(source, "rb") as body:
            put = requests.put(grant["upload_url"], data=body, headers=grant["headers"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert put.status_code == 200, put.text
    # Neither client nor (for local) server held the file: far below 25 MB.
    assert peak < 5 * 1024 * 1024
    registered = session.post(
        f"{session.base}/api/tickets/{ticket.pk}/attachments",
        json={
            "key": grant["key"],
            "filename": "big.zip",
            "content_type": "application/zip",
            "size": size,
        },
    )
    assert registered.status_code == 201, registered.text


def test_urls_are_signed_for_the_public_endpoint(
    object_storage, settings, api, live_server, requester, ticket
):
    """Inside docker-compose the app and the browser reach the storage apart."""
    settings.OBJECT_STORAGE_ENDPOINT = object_storage.replace("127.0.0.1", "localhost")
    session = api(requester)
    grant = _presign(session, ticket)
    assert grant["upload_url"].startswith(object_storage + "/")
    put = requests.put(grant["upload_url"], data=PNG, headers=grant["headers"])
    assert put.status_code == 200, put.text
    assert _register(session, ticket, grant).status_code == 201
