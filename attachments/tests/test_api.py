"""Permissions and bad input of the attachment API (in-process client)."""

import pytest
from rest_framework.test import APIClient

from attachments import services
from attachments.models import Attachment, UploadSlot
from attachments.storage import get_backend
from tickets import services as ticket_services
from tickets.models import EventKind, TicketEvent

DATA = b"%PDF-1.4 test file\n" * 50


@pytest.fixture(autouse=True)
def _local(local_storage):
    """Local storage unless a test switches to the object one."""
    return local_storage


def presign(client, ticket, **fields):
    payload = {
        "filename": "보고서.pdf",
        "content_type": "application/pdf",
        "size": len(DATA),
        **fields,
    }
    return client.post(
        f"/api/tickets/{ticket.pk}/attachments/presign", payload, format="json"
    )


def register(client, ticket, key, **fields):
    payload = {
        "key": key,
        "filename": "보고서.pdf",
        "content_type": "application/pdf",
        "size": len(DATA),
        **fields,
    }
    return client.post(f"/api/tickets/{ticket.pk}/attachments", payload, format="json")


def upload(client, ticket, *, body=DATA, **fields):
    """Steps 1 and 2: presign, then put the bytes where the key points."""
    response = presign(client, ticket, **fields)
    assert response.status_code == 200, response.json()
    key = response.json()["key"]
    get_backend().save(key, _file(body), content_type="application/pdf")
    return key


def _file(body):
    import io

    return io.BytesIO(body)


def attach(user, ticket, *, internal=False):
    slot_key = services.attachment_presign(
        ticket=ticket,
        by=user,
        filename="보고서.pdf",
        content_type="application/pdf",
        size=len(DATA),
        internal=internal,
    ).key
    get_backend().save(slot_key, _file(DATA), content_type="application/pdf")
    return services.attachment_register(
        ticket=ticket,
        by=user,
        key=slot_key,
        filename="보고서.pdf",
        content_type="application/pdf",
        size=len(DATA),
        internal=internal,
    )


# --- Permissions, for every role ---------------------------------------------------

ROLES = ["requester", "other_requester", "agent", "admin_user"]
PRESIGN_STATUS = {
    # (role, internal): status
    ("requester", False): 200,
    ("requester", True): 403,
    ("other_requester", False): 404,
    ("other_requester", True): 404,
    ("agent", False): 200,
    ("agent", True): 200,
    ("admin_user", False): 200,
    ("admin_user", True): 200,
}


@pytest.mark.parametrize("internal", [False, True])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_upload(request, as_user, ticket, role, internal):
    user = request.getfixturevalue(role)
    response = presign(as_user(user), ticket, internal=internal)
    assert response.status_code == PRESIGN_STATUS[(role, internal)]


@pytest.mark.parametrize("internal", [False, True])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_register(request, as_user, ticket, agent, role, internal):
    user = request.getfixturevalue(role)
    # The slot is handed out to someone allowed; registering checks the caller.
    key = upload(as_user(agent), ticket, internal=internal)
    UploadSlot.objects.filter(key=key).update(uploader=user)
    response = register(as_user(user), ticket, key, internal=internal)
    expected = PRESIGN_STATUS[(role, internal)]
    assert response.status_code == (201 if expected == 200 else expected)
    assert Attachment.objects.exists() == (expected == 200)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_files(request, as_user, ticket, agent, role):
    public = attach(agent, ticket)
    internal = attach(agent, ticket, internal=True)
    client = as_user(request.getfixturevalue(role))
    listed = client.get(f"/api/tickets/{ticket.pk}/attachments")
    public_dl = client.get(f"/api/attachments/{public.pk}/download")
    internal_dl = client.get(f"/api/attachments/{internal.pk}/download")
    if role == "other_requester":
        assert listed.status_code == 404
        assert (public_dl.status_code, internal_dl.status_code) == (404, 404)
    elif role == "requester":
        assert [item["id"] for item in listed.json()] == [public.pk]
        assert (public_dl.status_code, internal_dl.status_code) == (302, 404)
    else:
        assert [item["id"] for item in listed.json()] == [public.pk, internal.pk]
        assert (public_dl.status_code, internal_dl.status_code) == (302, 302)


def test_requester_cannot_attach_to_their_closed_ticket(as_user, requester, ticket):
    ticket_services.ticket_close(ticket=ticket, by=requester)
    response = presign(as_user(requester), ticket)
    assert response.status_code == 403


def test_agent_can_attach_to_a_closed_ticket(as_user, requester, agent, ticket):
    ticket_services.ticket_close(ticket=ticket, by=requester)
    assert presign(as_user(agent), ticket).status_code == 200


def test_requester_cannot_register_after_the_ticket_is_closed(
    as_user, requester, ticket
):
    key = upload(as_user(requester), ticket)
    ticket_services.ticket_close(ticket=ticket, by=requester)
    assert register(as_user(requester), ticket, key).status_code == 403
    assert not Attachment.objects.exists()


def test_no_credentials_get_401(ticket):
    client = APIClient()
    assert presign(client, ticket).status_code == 401
    assert client.get(f"/api/tickets/{ticket.pk}/attachments").status_code == 401


@pytest.mark.parametrize("bad_id", ["abc", "1.5", "99999999"])
def test_ids_that_are_not_ours_are_404(as_user, agent, bad_id):
    client = as_user(agent)
    assert client.get(f"/api/attachments/{bad_id}/download").status_code == 404
    assert client.get(f"/api/tickets/{bad_id}/attachments").status_code == 404


def test_paths_answer_without_trailing_slash_and_with_it(as_user, requester, ticket):
    client = as_user(requester)
    assert client.get(f"/api/tickets/{ticket.pk}/attachments/").status_code == 200
    assert client.get(f"/api/tickets/{ticket.pk}/attachments").status_code == 200


def test_list_query_count_does_not_grow(
    as_user, agent, ticket, django_assert_max_num_queries
):
    for _ in range(4):
        attach(agent, ticket)
    with django_assert_max_num_queries(4):
        response = as_user(agent).get(f"/api/tickets/{ticket.pk}/attachments")
    assert len(response.json()) == 4


# --- History -------------------------------------------------------------------------


def test_public_file_is_a_visible_change_of_the_ticket(agent, ticket):
    before = (ticket.updated_at, ticket.version)
    attach(agent, ticket)
    ticket.refresh_from_db()
    assert (ticket.updated_at, ticket.version) != before
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ATTACHMENT_ADDED)
    assert event.internal is False


def test_internal_file_leaves_no_trace_for_the_requester(agent, requester, ticket):
    before = (ticket.updated_at, ticket.version)
    attach(agent, ticket, internal=True)
    ticket.refresh_from_db()
    assert (ticket.updated_at, ticket.version) == before
    assert TicketEvent.objects.get(kind=EventKind.ATTACHMENT_ADDED).internal is True
    visible = TicketEvent.objects.visible_to(requester).filter(
        kind=EventKind.ATTACHMENT_ADDED
    )
    assert not visible.exists()


# --- Bad input -------------------------------------------------------------------------


def test_too_large_is_400(as_user, requester, ticket, settings):
    response = presign(
        as_user(requester), ticket, size=settings.ATTACHMENT_MAX_BYTES + 1
    )
    assert response.status_code == 400
    assert "size" in response.json()


def test_limit_comes_from_settings(as_user, requester, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    assert presign(as_user(requester), ticket, size=101).status_code == 400
    assert presign(as_user(requester), ticket, size=100).status_code == 200


def test_empty_file_is_400(as_user, requester, ticket):
    response = presign(as_user(requester), ticket, size=0)
    assert response.status_code == 400
    assert "size" in response.json()


@pytest.mark.parametrize("content_type", ["text/html", "application/x-msdownload", ""])
def test_type_not_allowed_is_400(as_user, requester, ticket, content_type):
    response = presign(as_user(requester), ticket, content_type=content_type)
    assert response.status_code == 400
    assert "content_type" in response.json()


def test_allow_list_comes_from_settings(as_user, requester, ticket, settings):
    settings.ATTACHMENT_TYPES = ["text/plain"]
    assert presign(as_user(requester), ticket).status_code == 400
    ok = presign(as_user(requester), ticket, content_type="text/plain")
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "filename",
    ["", "   ", "../../etc/passwd", "..", "a/b.pdf", "..\\boot.ini", "bad\x00.pdf"],
)
def test_bad_file_names_are_400(as_user, requester, ticket, filename):
    response = presign(as_user(requester), ticket, filename=filename)
    assert response.status_code == 400
    assert "filename" in response.json()
    assert not UploadSlot.objects.exists()


def test_key_is_chosen_by_the_server(as_user, requester, ticket):
    response = presign(as_user(requester), ticket, filename="한글 이름 (최종).pdf")
    key = response.json()["key"]
    prefix, ticket_id, token, name = key.split("/")
    assert (prefix, ticket_id, len(token)) == ("tickets", str(ticket.pk), 32)
    assert name == "한글_이름_최종.pdf"


def test_key_of_another_ticket_is_400(as_user, requester, ticket, agent, other_ticket):
    key = upload(as_user(agent), other_ticket)
    response = register(as_user(agent), ticket, key)
    assert response.status_code == 400
    assert "key" in response.json()
    assert not Attachment.objects.exists()


def test_key_handed_to_someone_else_is_400(as_user, agent, other_agent, ticket):
    key = upload(as_user(agent), ticket)
    response = register(as_user(other_agent), ticket, key)
    assert response.status_code == 400
    assert "key" in response.json()


def test_key_never_uploaded_is_400(as_user, requester, ticket):
    key = presign(as_user(requester), ticket).json()["key"]
    response = register(as_user(requester), ticket, key)
    assert response.status_code == 400
    assert "key" in response.json()
    assert not Attachment.objects.exists()
    assert UploadSlot.objects.get(key=key).registered_at is None


def test_made_up_key_is_400(as_user, requester, ticket):
    key = f"tickets/{ticket.pk}/0123456789abcdef0123456789abcdef/x.pdf"
    assert register(as_user(requester), ticket, key).status_code == 400


def test_size_not_matching_the_slot_is_400(as_user, requester, ticket):
    key = upload(as_user(requester), ticket)
    response = register(as_user(requester), ticket, key, size=len(DATA) + 1)
    assert response.status_code == 400
    assert "size" in response.json()


def test_size_not_matching_the_stored_object_is_400(as_user, requester, ticket):
    key = upload(as_user(requester), ticket, body=DATA[:-1])
    response = register(as_user(requester), ticket, key)
    assert response.status_code == 400
    assert "size" in response.json()
    assert not Attachment.objects.exists()


def test_registering_twice_is_400(as_user, requester, ticket):
    key = upload(as_user(requester), ticket)
    assert register(as_user(requester), ticket, key).status_code == 201
    assert register(as_user(requester), ticket, key).status_code == 400
    assert Attachment.objects.count() == 1


def test_file_can_be_linked_to_a_comment(as_user, requester, ticket):
    comment = ticket_services.ticket_reply(ticket=ticket, by=requester, body="첨부")
    key = upload(as_user(requester), ticket)
    response = register(as_user(requester), ticket, key, comment=comment.pk)
    assert response.status_code == 201
    assert response.json()["comment"] == comment.pk


def test_requester_cannot_link_to_an_internal_note(as_user, requester, agent, ticket):
    note = ticket_services.ticket_reply(
        ticket=ticket, by=agent, body="내부 메모", internal=True
    )
    key = upload(as_user(requester), ticket)
    response = register(as_user(requester), ticket, key, comment=note.pk)
    assert response.status_code == 400
    assert "comment" in response.json()


def test_comment_of_another_ticket_is_400(as_user, agent, ticket, other_ticket):
    comment = ticket_services.ticket_reply(ticket=other_ticket, by=agent, body="x")
    key = upload(as_user(agent), ticket)
    response = register(as_user(agent), ticket, key, comment=comment.pk)
    assert response.status_code == 400


def test_expired_local_upload_url_is_403(client, as_user, requester, ticket, settings):
    settings.ATTACHMENT_UPLOAD_EXPIRES = -1
    grant = presign(as_user(requester), ticket).json()
    response = client.generic(
        "PUT", grant["upload_url"], DATA, content_type="application/pdf"
    )
    assert response.status_code == 403
    assert not any(settings.LOCAL_UPLOAD_ROOT.rglob("*.pdf"))


@pytest.mark.parametrize("part", ["key", "signature"])
def test_tampered_local_upload_url_is_403(client, as_user, requester, ticket, part):
    grant = presign(as_user(requester), ticket).json()
    url = grant["upload_url"]
    token = url.rsplit("/", 1)[1]
    if part == "signature":
        url = url[:-1] + ("A" if url[-1] != "A" else "B")
    else:
        body, sep, rest = token.partition(":")
        url = url.replace(token, body[:-2] + "xx" + sep + rest)
    response = client.generic("PUT", url, DATA, content_type="application/pdf")
    assert response.status_code == 403


def test_storage_unreachable_is_503_and_nothing_registered(
    as_user, requester, ticket, storage_down
):
    client = as_user(requester)
    key = presign(client, ticket).json()["key"]
    response = register(client, ticket, key)
    assert response.status_code == 503
    assert "detail" in response.json()
    assert not Attachment.objects.exists()
    assert UploadSlot.objects.get(key=key).registered_at is None
