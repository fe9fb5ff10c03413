"""Merging a duplicate into another ticket: the service, the API, the page, and
that merged-in content never reaches the target's requester."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from attachments import services as attachment_services
from attachments.models import Attachment
from attachments.storage import get_backend
from notifications import outbox
from notifications.models import Notification, OutboundEmail
from tickets import selectors, services
from tickets.models import (
    Comment,
    EventKind,
    LinkKind,
    Status,
    TicketCC,
    TicketEvent,
    TicketLink,
)

SECRET = "기숙사비밀문구"  # only in the source's public conversation


@pytest.fixture(autouse=True)
def _local_storage(settings, tmp_path):
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"


def _upload(ticket, by, name, *, internal=False, body=b"bytes of the file\n"):
    return attachment_services.attachment_upload(
        ticket=ticket,
        by=by,
        fileobj=ContentFile(body, name=name),
        filename=name,
        content_type="text/plain",
        internal=internal,
    )


@pytest.fixture
def source(make_ticket, requester, agent):
    """The duplicate: a public reply each way, an internal note, two files."""
    ticket = make_ticket(
        title="와이파이 또 끊김",
        description=f"설명: {SECRET} 본문",
        requester=requester,
    )
    services.ticket_reply(ticket=ticket, by=agent, body="재부팅 해보셨나요?")
    services.ticket_reply(ticket=ticket, by=requester, body=f"네, {SECRET} 그래도요")
    services.ticket_reply(
        ticket=ticket, by=agent, body="내부메모: 스위치 교체 예정", internal=True
    )
    _upload(ticket, requester, "screenshot.txt", body=b"public file bytes\n")
    _upload(ticket, agent, "staff-only.txt", internal=True)
    return ticket


@pytest.fixture
def target(make_ticket, other_requester):
    """The ticket that continues: someone else's."""
    return make_ticket(
        title="기숙사 3층 와이파이 장애", requester=other_requester, by=other_requester
    )


def _merge(source, target, agent, **kwargs):
    return services.ticket_merge(source=source, into=target, by=agent, **kwargs)


# --- The service ----------------------------------------------------------------


def test_merge_closes_the_source_with_history_on_both_and_a_duplicate_link(
    source, target, agent
):
    target_version = target.version
    version = selectors.ticket_data_version()

    merged = _merge(source, target, agent)

    source.refresh_from_db()
    target.refresh_from_db()
    assert merged.pk == source.pk
    assert source.status == Status.CLOSED
    assert source.closed_at is not None
    assert source.merged_into_id == target.pk
    closed = source.events.get(kind=EventKind.STATUS_CHANGED, new_value="closed")
    assert closed.internal is False
    into = source.events.get(kind=EventKind.MERGED_INTO)
    assert (into.new_value, into.internal) == (target.reference, False)
    merged_from = target.events.get(kind=EventKind.MERGED_FROM)
    assert (merged_from.new_value, merged_from.internal) == (source.reference, True)
    link = TicketLink.objects.get()
    assert (link.from_ticket_id, link.to_ticket_id, link.kind) == (
        source.pk,
        target.pk,
        LinkKind.DUPLICATE,
    )
    # Only internal things happened to the target: its requester sees no change.
    assert target.version == target_version
    assert selectors.ticket_data_version() > version


def test_merge_copies_the_public_conversation_into_one_internal_note(
    source, target, agent, requester
):
    _merge(source, target, agent)

    note = Comment.objects.get(ticket=target)
    assert note.internal is True
    assert note.author == agent
    assert source.reference in note.body
    assert f"설명: {SECRET} 본문" in note.body  # the description
    assert "재부팅 해보셨나요?" in note.body
    assert f"네, {SECRET} 그래도요" in note.body
    assert requester.name in note.body and agent.name in note.body
    assert "내부메모" not in note.body  # internal notes are not part of it
    assert "screenshot.txt" in note.body
    assert "<" not in note.body  # text, not markup
    event = target.events.get(kind=EventKind.INTERNAL_NOTE)
    assert event.comment == note and event.internal


def test_merge_copies_public_files_as_internal_ones_with_their_own_objects(
    source, target, agent
):
    _merge(source, target, agent)

    original = Attachment.objects.get(ticket=source, filename="screenshot.txt")
    copy = Attachment.objects.get(ticket=target)  # the internal file stays behind
    assert copy.filename == "screenshot.txt"
    assert copy.internal is True
    assert copy.comment == Comment.objects.get(ticket=target)
    assert copy.key != original.key
    assert copy.key.startswith(f"tickets/{target.pk}/")
    backend = get_backend()
    assert backend.path(copy.key).read_bytes() == b"public file bytes\n"
    # Removing one file never removes the other's bytes.
    backend.delete(original.key)
    original.delete()
    assert backend.path(copy.key).read_bytes() == b"public file bytes\n"
    assert target.events.filter(
        kind=EventKind.ATTACHMENT_ADDED, internal=True, new_value="screenshot.txt"
    ).exists()


def _refusal_cases():
    def into_itself(source, target, agent, make_ticket):
        return source, source

    def into_closed(source, target, agent, make_ticket):
        services.ticket_close(ticket=target, by=agent)
        return source, target

    def into_merged(source, target, agent, make_ticket):
        third = make_ticket(title="세 번째")
        _merge(target, third, agent)
        return source, target

    def source_merged(source, target, agent, make_ticket):
        third = make_ticket(title="세 번째")
        _merge(source, third, agent)
        return source, target

    def source_closed(source, target, agent, make_ticket):
        services.ticket_close(ticket=source, by=agent)
        return source, target

    return [
        pytest.param(into_itself, "into", "merge_self", id="into-itself"),
        pytest.param(into_closed, "into", "merge_closed_target", id="into-closed"),
        pytest.param(into_merged, "into", "merge_chain", id="chain"),
        pytest.param(source_merged, None, "merge_merged_source", id="source-merged"),
        pytest.param(source_closed, None, "merge_closed_source", id="source-closed"),
    ]


@pytest.mark.parametrize(("setup", "field", "code"), _refusal_cases())
def test_merge_refuses_and_changes_nothing(
    setup, field, code, source, target, agent, make_ticket
):
    source, target = setup(source, target, agent, make_ticket)
    source.refresh_from_db()
    target.refresh_from_db()
    before = (
        Comment.objects.count(),
        TicketEvent.objects.count(),
        Attachment.objects.count(),
        TicketLink.objects.count(),
        source.status,
        source.merged_into_id,
    )

    with pytest.raises(ValidationError) as caught:
        _merge(source, target, agent)

    error = caught.value
    if field:
        assert [e.code for e in error.error_dict[field]] == [code]
    else:
        assert error.code == code
    source.refresh_from_db()
    assert before == (
        Comment.objects.count(),
        TicketEvent.objects.count(),
        Attachment.objects.count(),
        TicketLink.objects.count(),
        source.status,
        source.merged_into_id,
    )


def test_requesters_cannot_merge(source, target, requester):
    with pytest.raises(PermissionDenied):
        _merge(source, target, requester)
    source.refresh_from_db()
    assert source.merged_into_id is None


# --- What the source's requester is told -------------------------------------------


def _mails_to(user):
    outbox.process_batch(limit=100)
    return [message for message in mail.outbox if message.to == [user.email]]


def test_source_requester_is_told_without_the_reference_of_a_ticket_they_cannot_see(
    source, target, agent, requester, client
):
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()

    _merge(source, target, agent)

    notices = Notification.objects.filter(recipient=requester)
    # One notice (the close is announced by it, not separately).
    assert [n.kind for n in notices] == ["merged"]
    assert source.reference in notices[0].text
    assert target.reference not in notices[0].text
    assert "다른 티켓 번호로" in notices[0].texts["ko"]
    (message,) = _mails_to(requester)
    assert target.reference not in message.body
    assert target.reference not in message.subject
    source_url = "http://testserver" + reverse("tickets:detail", args=[source.pk])
    assert source_url in message.body  # a page they can open, not a 404
    # The source's page says it was merged, without the reference either.
    client.force_login(requester)
    page = client.get(source_url).content.decode()
    assert "merged-banner" in page
    assert target.reference not in page
    assert client.get(reverse("tickets:detail", args=[target.pk])).status_code == 404


def test_source_requester_added_as_cc_gets_the_reference_and_a_working_link(
    source, target, agent, requester, client
):
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()

    _merge(source, target, agent, add_requester_as_cc=True)

    assert TicketCC.objects.filter(ticket=target, user=requester).exists()
    notice = Notification.objects.get(recipient=requester, kind="merged")
    assert target.reference in notice.text
    assert f"{target.reference}(으)로 병합되었습니다" in notice.texts["ko"]
    merged_mails = [m for m in _mails_to(requester) if target.reference in m.body]
    assert merged_mails
    client.force_login(requester)
    page = client.get(reverse("tickets:detail", args=[source.pk])).content.decode()
    assert reverse("tickets:detail", args=[target.pk]) in page
    assert target.reference in page
    # As a CC they see the target, but still none of the merged-in content.
    target_page = client.get(reverse("tickets:detail", args=[target.pk]))
    assert target_page.status_code == 200
    assert SECRET not in target_page.content.decode()
    assert "screenshot.txt" not in target_page.content.decode()


def test_same_requester_sees_where_their_request_went(make_ticket, requester, agent):
    first = make_ticket(title="첫 번째")
    second = make_ticket(title="두 번째")

    _merge(second, first, agent)

    notice = Notification.objects.get(recipient=requester, kind="merged")
    assert first.reference in notice.text


# --- Merged-in content never reaches the target's requester -----------------------


def test_merged_content_never_reaches_the_target_requester(
    source, target, agent, other_requester, client, as_user
):
    services.ticket_assign(ticket=target, assignee=agent, by=agent)
    OutboundEmail.objects.all().delete()
    mail.outbox.clear()

    _merge(source, target, agent)

    copy = Attachment.objects.get(ticket=target)
    api = as_user(other_requester)
    # Page.
    client.force_login(other_requester)
    page = client.get(reverse("tickets:detail", args=[target.pk])).content.decode()
    assert SECRET not in page
    assert "screenshot.txt" not in page
    assert source.reference not in page
    # API: the ticket, its comments, history and files; the download.
    detail = api.get(f"/api/tickets/{target.pk}").content.decode()
    assert SECRET not in detail and source.reference not in detail
    comments = api.get(f"/api/tickets/{target.pk}/comments").json()
    assert comments == []
    events = api.get(f"/api/tickets/{target.pk}/events").content.decode()
    assert source.reference not in events
    assert "merged_from" not in events
    files = api.get(f"/api/tickets/{target.pk}/attachments").json()
    assert all(f["id"] != copy.pk for f in _results(files))
    assert api.get(f"/api/attachments/{copy.pk}/download").status_code == 404
    download_page = client.get(reverse("attachments:download", args=[copy.pk]))
    assert download_page.status_code == 404
    # Search.
    found = api.get("/api/tickets", {"q": SECRET, "status": "all"}).json()
    assert found["results"] == []
    # E-mail: whatever was sent, nothing merged-in reached them.
    outbox.process_batch(limit=100)
    for message in mail.outbox:
        if message.to == [other_requester.email]:
            assert SECRET not in message.body
            assert source.reference not in message.body
    assert not Notification.objects.filter(
        recipient=other_requester, kind__in=["internal_note", "merged"]
    ).exists()
    # Staff see all of it.
    staff_comments = as_user(agent).get(f"/api/tickets/{target.pk}/comments").json()
    assert any(SECRET in comment["body"] for comment in staff_comments)


def _results(data):
    return data["results"] if isinstance(data, dict) else data


# --- The API --------------------------------------------------------------------------


def test_api_merge_by_reference(source, target, agent, as_user):
    response = as_user(agent).post(
        f"/api/tickets/{source.pk}/merge",
        {"into": target.reference, "add_requester_as_cc": False},
        format="json",
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "closed"
    assert data["merged_into"] == {"id": target.pk, "reference": target.reference}


def test_api_ticket_json_hides_the_target_from_a_requester_who_cannot_see_it(
    source, target, agent, requester, as_user
):
    _merge(source, target, agent)
    api = as_user(requester)

    assert api.get(f"/api/tickets/{source.pk}").json()["merged_into"] is None
    events = api.get(f"/api/tickets/{source.pk}/events").json()
    merged = [e for e in events if e["kind"] == "merged_into"]
    assert merged and merged[0]["new_value"] == ""
    staff = as_user(agent).get(f"/api/tickets/{source.pk}").json()
    assert staff["merged_into"]["reference"] == target.reference


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "into"), ({"into": "SD-abc"}, "into"), ({"into": 999999}, "into")],
)
def test_api_merge_bad_input_is_a_400_and_changes_nothing(
    source, agent, as_user, body, field
):
    response = as_user(agent).post(
        f"/api/tickets/{source.pk}/merge", body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    source.refresh_from_db()
    assert source.merged_into_id is None and source.status != Status.CLOSED


def test_api_merge_service_refusals_are_clear_400s(source, target, agent, as_user):
    api = as_user(agent)
    itself = api.post(
        f"/api/tickets/{source.pk}/merge", {"into": source.pk}, format="json"
    )
    assert itself.status_code == 400
    assert list(itself.json()) == ["into"]
    _merge(source, target, agent)
    again = api.post(
        f"/api/tickets/{source.pk}/merge", {"into": target.pk}, format="json"
    )
    assert again.status_code == 400
    assert list(again.json()) == ["non_field_errors"]


def test_api_merge_requester_403_on_own_404_on_others(
    source, target, requester, as_user
):
    api = as_user(requester)
    own = api.post(
        f"/api/tickets/{source.pk}/merge", {"into": target.pk}, format="json"
    )
    other = api.post(
        f"/api/tickets/{target.pk}/merge", {"into": source.pk}, format="json"
    )
    assert own.status_code == 403
    assert other.status_code == 404
    source.refresh_from_db()
    assert source.merged_into_id is None


# --- The page -------------------------------------------------------------------------


def test_page_merge_form_merges_and_goes_to_the_target(source, target, agent, client):
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[source.pk])).content.decode()
    assert 'id="merge"' in page

    response = client.post(
        reverse("tickets:merge", args=[source.pk]),
        {"into": target.reference, "add_requester_as_cc": "on"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[target.pk])
    source.refresh_from_db()
    assert source.merged_into_id == target.pk
    assert TicketCC.objects.filter(ticket=target, user=source.requester).exists()
    merged_page = client.get(reverse("tickets:detail", args=[source.pk]))
    assert target.reference in merged_page.content.decode()
    assert 'id="merge"' not in merged_page.content.decode()


def test_page_merge_form_errors_keep_the_input_and_change_nothing(
    source, agent, client
):
    client.force_login(agent)

    unknown = client.post(reverse("tickets:merge", args=[source.pk]), {"into": "SD-x"})
    itself = client.post(
        reverse("tickets:merge", args=[source.pk]), {"into": source.reference}
    )

    assert unknown.status_code == 200
    assert unknown.context["merge_form"].errors["into"]
    assert unknown.context["merge_form"]["into"].value() == "SD-x"
    assert itself.status_code == 200
    assert itself.context["merge_form"].errors["into"]
    source.refresh_from_db()
    assert source.merged_into_id is None and source.status != Status.CLOSED


def test_page_merge_is_staff_only(source, target, requester, client):
    client.force_login(requester)
    page = client.get(reverse("tickets:detail", args=[source.pk])).content.decode()
    assert 'id="merge"' not in page
    response = client.post(
        reverse("tickets:merge", args=[source.pk]), {"into": target.pk}
    )
    assert response.status_code == 403


# --- The file storage is down -------------------------------------------------------


@pytest.fixture
def storage_down(settings):
    """Object storage at a loopback port where nothing listens."""
    settings.STORAGE_BACKEND = "object"
    settings.OBJECT_STORAGE_ENDPOINT = "http://127.0.0.1:9"
    settings.OBJECT_STORAGE_PUBLIC_ENDPOINT = "http://127.0.0.1:9"
    settings.OBJECT_STORAGE_ACCESS_KEY = "key"
    settings.OBJECT_STORAGE_SECRET_KEY = "secret"
    settings.OBJECT_STORAGE_TIMEOUT = 1


def test_api_merge_with_the_storage_down_is_a_503_and_merges_nothing(
    source, target, agent, as_user, request
):
    request.getfixturevalue("storage_down")

    response = as_user(agent).post(
        f"/api/tickets/{source.pk}/merge", {"into": target.pk}, format="json"
    )

    assert response.status_code == 503
    source.refresh_from_db()
    assert source.merged_into_id is None and source.status != Status.CLOSED
    assert not Comment.objects.filter(ticket=target).exists()
    assert not TicketLink.objects.exists()


def test_page_merge_with_the_storage_down_says_so_and_merges_nothing(
    source, target, agent, client, request
):
    request.getfixturevalue("storage_down")
    client.force_login(agent)

    response = client.post(
        reverse("tickets:merge", args=[source.pk]), {"into": target.reference}
    )

    assert response.status_code == 200
    assert response.context["merge_form"].non_field_errors()
    source.refresh_from_db()
    assert source.merged_into_id is None
    assert not Comment.objects.filter(ticket=target).exists()


def test_cached_pages_show_the_merge_on_the_very_next_request(
    source, target, agent, requester, client, settings
):
    settings.TICKET_CACHE = True
    client.force_login(agent)
    target_url = reverse("tickets:detail", args=[target.pk])
    source_url = reverse("tickets:detail", args=[source.pk])
    assert SECRET not in client.get(target_url).content.decode()
    client.get(source_url)  # both pages now in the cache

    _merge(source, target, agent)

    assert SECRET in client.get(target_url).content.decode()
    assert "merged-banner" in client.get(source_url).content.decode()
