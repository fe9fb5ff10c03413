"""Files chosen in the new-ticket and reply forms: checked before anything is written.

Without JavaScript the bytes come with the form; with it, the script sends
each file's name, size and type (`files_chosen`) and asks for JSON. Both are
checked with the attachment rules before the ticket (or reply) exists.
"""

import json

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from attachments.models import Attachment
from tickets.models import Comment, Ticket

BIG = 27 * 1024 * 1024
JSON_ACCEPT = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _local(local_storage):
    return local_storage


@pytest.fixture(autouse=True)
def _korean():
    with translation.override("ko"):
        yield


def _new_ticket(network, **extra):
    return {
        "title": "기숙사 와이파이 끊김",
        "description": "3층에서 자주 끊깁니다.",
        "category": network.pk,
        "priority": "medium",
        **extra,
    }


def _chosen(name, size, kind):
    return json.dumps({"name": name, "size": size, "type": kind})


def _texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The new-ticket form ------------------------------------------------------------


def test_a_27_mb_zip_creates_nothing_and_keeps_the_form(client, requester, network):
    client.force_login(requester)
    big = SimpleUploadedFile("big.zip", b"0" * BIG, content_type="application/zip")
    response = client.post(reverse("tickets:create"), _new_ticket(network, files=big))
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    page = response.content.decode()
    assert 'value="기숙사 와이파이 끊김"' in page
    assert "3층에서 자주 끊깁니다." in page
    (error,) = response.context["form"].errors["files"]
    assert error.startswith("big.zip: ")
    assert "25.0\xa0MB" in error
    assert 'id="attach-files-errors"' in page
    assert "다시 선택해 주세요" in page  # the note beside the picker


def test_an_exe_creates_nothing_and_keeps_the_form(client, requester, network):
    client.force_login(requester)
    exe = SimpleUploadedFile(
        "setup.exe", b"MZ\x90\x00", content_type="application/x-msdownload"
    )
    response = client.post(reverse("tickets:create"), _new_ticket(network, files=exe))
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    (error,) = response.context["form"].errors["files"]
    assert error.startswith("setup.exe: ")
    assert "application/x-msdownload" in error
    assert 'value="기숙사 와이파이 끊김"' in response.content.decode()


@pytest.mark.parametrize(
    "described",
    [
        _chosen("big.zip", BIG, "application/zip"),
        _chosen("setup.exe", 4, "application/x-msdownload"),
        _chosen("", 4, "text/plain"),
        "not json",
        json.dumps(["a list"]),
        json.dumps({"name": "a.txt", "size": "4", "type": "text/plain"}),
    ],
)
def test_a_described_file_is_checked_by_the_same_rules(
    client, requester, network, described
):
    client.force_login(requester)
    response = client.post(
        reverse("tickets:create"),
        _new_ticket(network, files_chosen=described),
        **JSON_ACCEPT,
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "files" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_chosen_files_are_named_when_the_form_comes_back(client, requester, network):
    client.force_login(requester)
    data = _new_ticket(
        network,
        title="",
        files=[
            SimpleUploadedFile("log.txt", b"error 42", content_type="text/plain"),
            SimpleUploadedFile("shot.png", b"\x89PNG", content_type="image/png"),
        ],
    )
    response = client.post(reverse("tickets:create"), data)
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    assert "files" not in response.context["form"].errors  # the files were fine
    page = response.content.decode()
    assert "data-attach-dropped" in page
    assert "선택한 파일(log.txt, shot.png)이 빠졌습니다. 파일을 다시 선택해" in page


def test_no_note_when_no_file_was_chosen(client, requester, network):
    client.force_login(requester)
    response = client.post(reverse("tickets:create"), _new_ticket(network, title=""))
    assert "data-attach-dropped" not in response.content.decode()


def test_files_sent_with_the_form_go_to_the_new_ticket(client, requester, network):
    client.force_login(requester)
    log = SimpleUploadedFile("로그.txt", b"error 42\n", content_type="text/plain")
    response = client.post(reverse("tickets:create"), _new_ticket(network, files=log))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.pk])
    attachment = Attachment.objects.get()
    assert (attachment.ticket, attachment.comment, attachment.filename) == (
        ticket,
        None,
        "로그.txt",
    )
    assert _texts(response) == [
        f"티켓 {ticket.reference}을(를) 접수했습니다. 이 페이지에서 답변해 드립니다."
    ]


def test_the_script_gets_where_to_upload_and_the_message_waits(
    client, requester, network
):
    client.force_login(requester)
    response = client.post(
        reverse("tickets:create"),
        _new_ticket(network, files_chosen=_chosen("a.pdf", 2048, "application/pdf")),
        **JSON_ACCEPT,
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 200
    assert response.json() == {
        "url": reverse("tickets:detail", args=[ticket.pk]),
        "presign_url": reverse("ticket-attachments-presign", args=[ticket.pk]),
        "register_url": reverse("ticket-attachments", args=[ticket.pk]),
        "failed_url": reverse("attachments:not-uploaded", args=[ticket.pk]),
        "comment": None,
    }
    # No page was rendered: the success message is still there for the ticket page.
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert f"티켓 {ticket.reference}을(를) 접수했습니다." in page


def test_an_upload_failing_after_the_ticket_exists_leads_to_the_ticket(
    client, requester, network, storage_down
):
    client.force_login(requester)
    log = SimpleUploadedFile("log.txt", b"error 42\n", content_type="text/plain")
    response = client.post(reverse("tickets:create"), _new_ticket(network, files=log))
    ticket = Ticket.objects.get()
    assert (
        response["Location"] == reverse("tickets:detail", args=[ticket.pk]) + "#reply"
    )
    assert not Attachment.objects.exists()
    success, failed = _texts(response)
    assert success.startswith(f"티켓 {ticket.reference}을(를) 접수했습니다.")
    assert failed.startswith("“log.txt” 파일이 올라가지 않았습니다")
    assert "여기에서 답글과 함께 파일을 다시 첨부해 주세요." in failed


def test_a_described_file_that_never_came_is_reported(client, requester, network):
    # The script's plain resend carries descriptions, not bytes: if the form
    # passes then, the ticket exists and the page says the file is missing.
    client.force_login(requester)
    data = _new_ticket(network, files_chosen=_chosen("a.pdf", 20, "application/pdf"))
    response = client.post(reverse("tickets:create"), data)
    ticket = Ticket.objects.get()
    assert response["Location"].endswith(f"/tickets/{ticket.pk}/#reply")
    assert (
        "“a.pdf” 파일이 올라가지 않았습니다(파일을 받지 못했습니다)"
        in _texts(response)[1]
    )


# --- The category ----------------------------------------------------------------------


def test_no_category_is_preselected(client, requester, network):
    client.force_login(requester)
    page = client.get(reverse("tickets:create")).content.decode()
    assert '<option value="" selected>선택하세요</option>' in page
    assert f'<option value="{network.pk}">네트워크</option>' in page


def test_a_category_must_be_chosen(client, requester, network):
    client.force_login(requester)
    response = client.post(reverse("tickets:create"), _new_ticket(network, category=""))
    assert response.context["form"].errors["category"] == [
        "문제에 가장 가까운 분류를 선택해 주세요."
    ]
    assert not Ticket.objects.exists()


# --- The reply form: the ticket page's one file picker ------------------------------


def _reply(client, ticket, **data):
    return client.post(reverse("tickets:reply", args=[ticket.pk]), data)


def test_a_file_sent_with_a_reply_is_attached_to_it(client, requester, ticket):
    client.force_login(requester)
    log = SimpleUploadedFile("log.txt", b"error 42\n", content_type="text/plain")
    response = _reply(client, ticket, body="로그 첨부합니다.", files=log)
    comment = Comment.objects.get(body="로그 첨부합니다.")
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    attachment = Attachment.objects.get()
    assert (attachment.comment, attachment.internal) == (comment, False)


def test_a_file_with_an_internal_note_is_internal(client, agent, ticket):
    client.force_login(agent)
    log = SimpleUploadedFile("log.txt", b"error 42\n", content_type="text/plain")
    _reply(client, ticket, body="내부 메모", visibility="internal", files=log)
    attachment = Attachment.objects.get()
    assert attachment.internal and attachment.comment.internal


def test_a_refused_file_sends_no_reply(client, requester, ticket):
    client.force_login(requester)
    exe = SimpleUploadedFile(
        "setup.exe", b"MZ", content_type="application/x-msdownload"
    )
    response = _reply(client, ticket, body="설치 파일입니다.", files=exe)
    assert response.status_code == 200
    assert not Comment.objects.filter(body="설치 파일입니다.").exists()
    page = response.content.decode()
    assert "setup.exe: " in page
    assert "설치 파일입니다." in page  # the text is kept


def test_a_reply_sent_back_says_the_files_were_not_kept(client, requester, ticket):
    client.force_login(requester)
    log = SimpleUploadedFile("log.txt", b"error 42\n", content_type="text/plain")
    response = _reply(client, ticket, body="", files=log)
    assert response.status_code == 200
    assert "선택한 파일(log.txt)이 빠졌습니다." in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_script_gets_the_reply_to_attach_to(client, requester, ticket):
    client.force_login(requester)
    response = client.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {
            "body": "파일 보냅니다.",
            "files_chosen": _chosen("a.pdf", 9, "application/pdf"),
        },
        **JSON_ACCEPT,
    )
    comment = Comment.objects.get(body="파일 보냅니다.")
    body = response.json()
    assert body["comment"] == comment.pk
    assert body["url"] == f"/tickets/{ticket.pk}/#comment-{comment.pk}"


# --- The script's report of a file it could not upload -----------------------------


def test_the_script_reports_a_failed_upload(client, requester, ticket):
    client.force_login(requester)
    url = reverse("attachments:not-uploaded", args=[ticket.pk])
    response = client.post(url, {"name": "big.zip", "reason": "503"})
    assert response.status_code == 204
    (message,) = _texts(response)
    assert message.startswith("“big.zip” 파일이 올라가지 않았습니다(503).")


def test_a_report_on_someone_elses_ticket_is_404(client, other_requester, ticket):
    client.force_login(other_requester)
    url = reverse("attachments:not-uploaded", args=[ticket.pk])
    assert client.post(url, {"name": "a.pdf"}).status_code == 404


def test_a_report_without_a_name_is_400(client, requester, ticket):
    client.force_login(requester)
    url = reverse("attachments:not-uploaded", args=[ticket.pk])
    response = client.post(url, {"name": "x" * 300})
    assert response.status_code == 400
    assert "name" in response.json()
    assert client.get(url).status_code == 405
