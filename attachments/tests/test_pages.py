"""The pages: files listed on the ticket, and the plain form upload (no JS)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation

from attachments.models import Attachment
from attachments.tests.test_api import attach
from tickets import services as ticket_services


@pytest.fixture(autouse=True)
def _local(local_storage):
    return local_storage


def _detail(ticket):
    return reverse("tickets:detail", kwargs={"pk": ticket.pk})


def _upload(
    client, ticket, name="오류 로그.txt", body=b"error 42\n", kind="text/plain", **extra
):
    return client.post(
        reverse("attachments:upload", kwargs={"ticket_id": ticket.pk}),
        {
            "file": SimpleUploadedFile(name, body, content_type=kind),
            "next": _detail(ticket),
            **extra,
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


def test_plain_form_upload_attaches_the_file(client, requester, ticket):
    client.force_login(requester)
    response = _upload(client, ticket)
    assert response.status_code == 302
    assert response["Location"] == _detail(ticket)
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.size) == ("오류 로그.txt", 9)
    download = client.get(reverse("attachments:download", args=[attachment.pk]))
    assert download.status_code == 302
    served = client.get(download["Location"])
    assert b"".join(served.streaming_content) == b"error 42\n"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("attachment;")


def test_plain_form_upload_refuses_a_type_not_allowed(client, requester, ticket):
    client.force_login(requester)
    _upload(client, ticket, name="page.html", body=b"<script>", kind="text/html")
    assert not Attachment.objects.exists()


def test_plain_form_upload_refuses_too_large(client, requester, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 4
    client.force_login(requester)
    response = _upload(client, ticket)
    assert response.status_code == 302
    assert not Attachment.objects.exists()


def test_plain_form_upload_internal_is_for_staff_only(client, requester, agent, ticket):
    client.force_login(requester)
    _upload(client, ticket, internal="on")
    assert not Attachment.objects.exists()
    client.force_login(agent)
    _upload(client, ticket, internal="on")
    assert Attachment.objects.get().internal is True


def test_plain_form_upload_on_someone_elses_ticket_is_404(
    client, other_requester, ticket
):
    client.force_login(other_requester)
    assert _upload(client, ticket).status_code == 404


def test_closed_ticket_offers_no_upload_to_the_requester(client, requester, ticket):
    ticket_services.ticket_close(ticket=ticket, by=requester)
    client.force_login(requester)
    page = client.get(_detail(ticket)).content.decode()
    assert reverse("attachments:upload", kwargs={"ticket_id": ticket.pk}) not in page
    assert _upload(client, ticket).status_code == 302
    assert not Attachment.objects.exists()


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


def test_plain_form_upload_goes_back_to_next(client, requester, ticket):
    client.force_login(requester)
    back = f"{_detail(ticket)}?page=2#attachments"
    assert _upload(client, ticket, next=back)["Location"] == back


@pytest.mark.parametrize("next_url", ["", "https://evil.example/", "//evil.example/"])
def test_plain_form_upload_without_a_safe_next_goes_to_the_files(
    client, requester, ticket, next_url
):
    client.force_login(requester)
    response = _upload(client, ticket, next=next_url)
    assert response["Location"] == f"{_detail(ticket)}#attachments"
