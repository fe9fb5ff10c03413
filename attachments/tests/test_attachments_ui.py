"""The ticket page's files block and the file inputs: what each viewer gets."""

import io
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from attachments import services
from attachments.storage import get_backend
from tickets import services as ticket_services

LIST = "{% ticket_attachments ticket %}"
REPLY_INPUT = (
    "{% attachment_input ticket"
    ' internal_field="visibility" internal_value="internal" %}'
)
NEW_TICKET_INPUT = "{% attachment_input %}"


@pytest.fixture(autouse=True)
def _local(local_storage):
    return local_storage


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def closed_ticket(requester, ticket):
    ticket_services.ticket_close(ticket=ticket, by=requester)
    ticket.refresh_from_db()
    return ticket


def _attach(
    user, ticket, *, filename="보고서.pdf", size=1536, internal=False, comment=None
):
    """A file attached the way the API does it: presign, store, register."""
    key = services.attachment_presign(
        ticket=ticket,
        by=user,
        filename=filename,
        content_type="application/pdf",
        size=size,
        internal=internal,
    ).key
    get_backend().save(key, io.BytesIO(b"x" * size), content_type="application/pdf")
    return services.attachment_register(
        ticket=ticket,
        by=user,
        key=key,
        filename=filename,
        content_type="application/pdf",
        size=size,
        internal=internal,
        comment=comment,
    )


def _render(source, user, ticket=None, *, path="/tickets/1/", **context):
    request = RequestFactory().get(path)
    request.user = user
    context = {
        "request": request,
        "user": user,
        "ticket": ticket,
        "csrf_token": "tok",
        **context,
    }
    return Template("{% load attachments_ui %}" + source).render(Context(context))


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser reads them."""

    def __init__(self):
        super().__init__()
        self.elements = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def _find(html, tag, **attrs) -> list[dict]:
    """The attributes of each `tag` that has all of `attrs` (None: present)."""
    found = []
    for name, have in _parse(html).elements:
        if name == tag and all(
            key in have and (value is None or have[key] == value)
            for key, value in attrs.items()
        ):
            found.append(have)
    return found


def _api_urls(ticket) -> dict:
    return {
        "data-presign-url": reverse("ticket-attachments-presign", args=[ticket.pk]),
        "data-register-url": reverse("ticket-attachments", args=[ticket.pk]),
    }


def _download(attachment) -> str:
    return reverse("attachments:download", args=[attachment.pk])


# --- The files block -------------------------------------------------------------


def test_block_lists_the_files_with_download_links_and_sizes(requester, ticket):
    first = _attach(requester, ticket, filename="a.pdf", size=1536)
    second = _attach(requester, ticket, filename="b.pdf", size=1)
    html = _render(LIST, requester, ticket)
    links = _find(html, "a", download=None)
    assert [link["href"] for link in links] == [_download(first), _download(second)]
    text = _parse(html).text
    assert "a.pdf" in text and "b.pdf" in text
    assert "1.5\xa0KB" in text and "1\xa0byte" in text


def test_a_hostile_file_name_is_shown_as_text(requester, ticket):
    # A "/" is refused in file names, so no closing tag; the opening one is enough.
    _attach(requester, ticket, filename='<script>alert("x")&.pdf')
    html = _render(LIST, requester, ticket)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&amp;.pdf</a>" in html


def test_requester_never_sees_an_internal_file(agent, requester, ticket):
    public = _attach(requester, ticket)
    internal = _attach(agent, ticket, filename="secret.txt", internal=True)
    html = _render(LIST, requester, ticket)
    assert [a["href"] for a in _find(html, "a", download=None)] == [_download(public)]
    assert "secret.txt" not in html
    assert not _find(html, "span", **{"class": "tag note-label"})
    assert _download(internal) not in html


def test_staff_see_an_internal_file_marked(agent, requester, ticket):
    _attach(requester, ticket)
    _attach(agent, ticket, filename="log.txt", internal=True)
    html = _render(LIST, agent, ticket)
    items = _find(html, "li")
    assert [item["class"] for item in items] == ["attachment", "attachment internal"]
    assert len(_find(html, "span", **{"class": "tag note-label"})) == 1
    assert "Internal" in _parse(html).text


def test_a_ticket_without_files_says_so(agent, ticket):
    html = _render(LIST, agent, ticket)
    assert "No files yet." in _parse(html).text
    assert not _find(html, "ul")


def test_block_has_no_form_of_its_own_and_points_to_the_reply(agent, ticket):
    # One file picker on the ticket page: the reply form's.
    html = _render(LIST, agent, ticket)
    (section,) = _find(html, "section", id="attachments")
    assert "data-attachments" in section
    assert not _find(html, "form")
    assert not _find(html, "input", type="file")
    assert _find(html, "a", href="#reply")
    assert "To add a file, attach it to a reply." in _parse(html).text


def test_block_lists_only_files_sent_without_a_reply(requester, ticket):
    comment = ticket_services.ticket_reply(ticket=ticket, by=requester, body="로그")
    loose = _attach(requester, ticket, filename="loose.pdf")
    _attach(requester, ticket, filename="with-reply.pdf", comment=comment)
    html = _render(LIST, requester, ticket)
    assert [a["href"] for a in _find(html, "a", download=None)] == [_download(loose)]
    assert "with-reply.pdf" not in html


def test_block_says_where_the_files_are_when_all_came_with_replies(requester, ticket):
    comment = ticket_services.ticket_reply(ticket=ticket, by=requester, body="로그")
    _attach(requester, ticket, comment=comment)
    html = _render(LIST, requester, ticket)
    assert "The files are shown with the replies they came with." in html
    assert "No files yet." not in html


def test_no_pointer_to_the_reply_where_the_requester_may_not_attach(
    requester, closed_ticket
):
    html = _render(LIST, requester, closed_ticket)
    assert not _find(html, "a", href="#reply")
    assert _find(html, "section", **{"data-attachments": None})


def test_korean_when_korean_is_active(agent, ticket):
    _attach(agent, ticket, internal=True)
    with translation.override("ko"):
        html = _render(LIST, agent, ticket)
    text = _parse(html).text
    for words in ["파일", "내부용", "파일을 추가하려면 답글에 첨부하세요."]:
        assert words in text


@pytest.mark.parametrize("role", ["agent", "requester"])
def test_the_block_runs_one_query(request, django_assert_num_queries, ticket, role):
    viewer = request.getfixturevalue(role)
    _attach(viewer, ticket)
    _attach(viewer, ticket, filename="second.pdf")
    with django_assert_num_queries(1):
        _render(LIST, viewer, ticket)


# --- The file inputs inside other forms ------------------------------------------


def test_new_ticket_input_has_no_api_urls(settings, requester):
    html = _render(NEW_TICKET_INPUT, requester)
    (field,) = _find(html, "div", **{"data-attach-field": None})
    assert "hidden" not in field  # it works without JavaScript too
    (picker,) = _find(html, "input", type="file", id="attach-files")
    assert picker["name"] == "files"
    assert "multiple" in picker and "data-attach" in picker
    assert picker["data-max-bytes"] == str(settings.ATTACHMENT_MAX_BYTES)
    assert picker["accept"] == ",".join(settings.ATTACHMENT_TYPES)
    assert "data-presign-url" not in picker
    assert "data-internal-field" not in picker
    assert _find(html, "script", src="/static/js/attachments.js")


def test_input_carries_the_status_messages_and_a_progress_bar(requester):
    html = _render(NEW_TICKET_INPUT, requester)
    (status,) = _find(html, "p", **{"data-attach-status": None})
    assert status["data-msg-uploading"] == "Uploading %(name)s…"
    assert status["data-msg-done"] == "Uploaded."
    assert status["data-msg-too-large"] == "%(name)s is larger than 25.0\xa0MB."
    assert status["data-msg-type"].startswith("Files like %(name)s cannot be")
    assert status["data-msg-nothing-sent"].startswith("Nothing was sent")
    assert status["data-msg-failed"] == "Could not upload %(name)s: %(reason)s"
    (box,) = _find(html, "div", **{"data-attach-progress": None})
    assert "hidden" in box
    (bar,) = _find(html, "progress")
    assert (bar["max"], bar["value"]) == ("100", "0")
    assert _find(html, "span", **{"data-attach-percent": None})


def test_the_limit_and_types_follow_the_settings(settings, requester, ticket):
    settings.ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    settings.ATTACHMENT_TYPES = ["application/pdf", "text/plain"]
    html = _render(REPLY_INPUT, requester, ticket)
    (picker,) = _find(html, "input", type="file")
    assert picker["accept"] == "application/pdf,text/plain"
    assert picker["data-max-bytes"] == "2097152"
    assert "Up to 2.0\xa0MB each: images" in html
    (status,) = _find(html, "p", **{"data-attach-status": None})
    assert status["data-msg-too-large"] == "%(name)s is larger than 2.0\xa0MB."


def test_reply_input_has_the_api_urls_and_the_visibility_switch(agent, ticket):
    html = _render(REPLY_INPUT, agent, ticket)
    (picker,) = _find(html, "input", type="file")
    assert _api_urls(ticket).items() <= picker.items()
    assert picker["data-internal-field"] == "visibility"
    assert picker["data-internal-value"] == "internal"


def test_reply_input_escapes_the_switch_names(agent, ticket):
    source = "{% attachment_input ticket internal_field=a internal_value=b %}"
    html = _render(source, agent, ticket, a='x"y', b="<z>")
    assert 'data-internal-field="x&quot;y" data-internal-value="&lt;z&gt;"' in html


def test_no_input_where_the_requester_may_not_attach(requester, closed_ticket):
    assert _render(REPLY_INPUT, requester, closed_ticket).strip() == ""


def test_input_in_korean(requester, ticket):
    with translation.override("ko"):
        html = _render(REPLY_INPUT, requester, ticket)
    assert "파일 첨부" in _parse(html).text
    assert "파일당 최대 25.0\xa0MB: 이미지, PDF" in html
    (status,) = _find(html, "p", **{"data-attach-status": None})
    assert status["data-msg-uploading"] == "%(name)s 업로드 중…"
    assert status["data-msg-too-large"] == "%(name)s 파일이 25.0\xa0MB보다 큽니다."
    assert status["data-msg-type"].startswith(
        "%(name)s 같은 파일은 첨부할 수 없습니다."
    )
    assert status["data-msg-nothing-sent"].startswith("아무것도 보내지 않았습니다.")


def test_input_runs_no_query(django_assert_num_queries, requester, ticket):
    with django_assert_num_queries(0):
        _render(REPLY_INPUT, requester, ticket)


# --- On the pages ----------------------------------------------------------------


def test_ticket_page_has_one_file_picker_in_the_reply_form(client, agent, ticket):
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    (picker,) = _find(page, "input", type="file")
    assert picker["name"] == "files"
    assert picker["data-internal-field"] == "visibility"
    (reply,) = _find(page, "form", id="reply")
    assert reply["enctype"] == "multipart/form-data"
    assert not _find(page, "form", id="attach-form")


def test_new_ticket_page_has_the_input_without_api_urls(client, requester):
    client.force_login(requester)
    page = client.get(reverse("tickets:create")).content.decode()
    assert _find(page, "input", id="attach-files")
    assert "data-presign-url" not in page


def test_each_file_shows_under_the_reply_it_came_with(client, requester, agent, ticket):
    first = ticket_services.ticket_reply(ticket=ticket, by=requester, body="첫 답글")
    second = ticket_services.ticket_reply(ticket=ticket, by=agent, body="둘째 답글")
    note = ticket_services.ticket_reply(
        ticket=ticket, by=agent, body="메모", internal=True
    )
    with_first = _attach(requester, ticket, filename="first.pdf", comment=first)
    with_second = _attach(agent, ticket, filename="second.pdf", comment=second)
    with_note = _attach(agent, ticket, filename="note.pdf", comment=note, internal=True)
    loose = _attach(requester, ticket, filename="loose.pdf")
    client.force_login(requester)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    def links_in(html):
        return [a["href"] for a in _find(html, "a", download=None)]

    def article(comment):
        start = page.index(f'id="comment-{comment.pk}"')
        return page[start : page.index("</article>", start)]

    assert links_in(article(first)) == [_download(with_first)]
    assert links_in(article(second)) == [_download(with_second)]
    files_block = page[page.index('id="attachments"') :]
    files_block = files_block[: files_block.index("</section>")]
    assert links_in(files_block) == [_download(loose)]
    assert _download(with_note) not in page  # never to the requester
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert links_in(article(note)) == [_download(with_note)]


def test_the_thread_reads_its_files_in_one_query_whatever_the_replies(
    django_assert_num_queries, requester, ticket
):
    for index in range(3):
        comment = ticket_services.ticket_reply(
            ticket=ticket, by=requester, body=f"답글 {index}"
        )
        _attach(requester, ticket, filename=f"{index}.pdf", comment=comment)
    comments = list(ticket.comments.select_related("author"))
    source = "{% include 'tickets/includes/conversation.html' %}"
    with django_assert_num_queries(1):
        html = _render(source, requester, ticket, comments=comments)
    assert len(_find(html, "a", download=None)) == 3
