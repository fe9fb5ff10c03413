"""The pages: files listed on the ticket, sent with a reply, downloaded."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation

from attachments.models import Attachment
from attachments.tests.test_api import attach


@pytest.fixture(autouse=True)
def _local(local_storage):
    return local_storage


def _detail(ticket):
    return reverse("tickets:detail", kwargs={"pk": ticket.pk})


def _reply_with_file(client, ticket):
    return client.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {
            "body": "로그를 첨부합니다.",
            "visibility": "public",
            "files": SimpleUploadedFile(
                "오류 로그.txt", b"error 42\n", content_type="text/plain"
            ),
        },
    )


def test_ticket_page_lists_files_with_name_size_and_link(
    client, requester, agent, ticket
):
    public = attach(agent, ticket)
    internal = attach(agent, ticket, internal=True)
    client.force_login(requester)
    page = client.get(_detail(ticket)).content.decode()
    assert public.filename in page
    assert reverse("attachments:download", args=[public.pk]) in page
    assert reverse("attachments:download", args=[internal.pk]) not in page
    with translation.override("ko"):
        assert filesizeformat(public.size) in page
    client.force_login(agent)
    page = client.get(_detail(ticket)).content.decode()
    assert reverse("attachments:download", args=[internal.pk]) in page


def test_a_file_sent_with_a_reply_downloads_as_sent(client, requester, ticket):
    client.force_login(requester)
    response = _reply_with_file(client, ticket)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.size) == ("오류 로그.txt", 9)
    assert attachment.comment is not None
    download = client.get(reverse("attachments:download", args=[attachment.pk]))
    assert download.status_code == 302
    served = client.get(download["Location"])
    assert b"".join(served.streaming_content) == b"error 42\n"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("attachment;")


def test_page_download_link_needs_sign_in(client, agent, ticket):
    attachment = attach(agent, ticket)
    response = client.get(reverse("attachments:download", args=[attachment.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_new_ticket_form_offers_the_file_picker(client, requester, network):
    client.force_login(requester)
    page = client.get(reverse("tickets:create")).content.decode()
    assert "data-attach-field" in page
    assert "js/attachments.js" in page
