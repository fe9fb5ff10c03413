"""The ticket page's files block and file inputs, written in Python: the real HTML."""

import io
import re

import pytest
from django.template import Context, Template
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from attachments import services
from attachments.storage import get_backend
from tickets import services as ticket_services

CSRF_MARK = "csrf0123456789abcdef"
LIST = "{% ticket_attachments ticket %}"
REPLY_INPUT = '{% attachment_input ticket internal_field="visibility" internal_value="internal" %}'
NEW_TICKET_INPUT = "{% attachment_input %}"


@pytest.fixture(autouse=True)
def _local(local_storage):
    return local_storage


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _attach(user, ticket, *, filename="보고서.pdf", size=1536, internal=False):
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
    )


def _render(source, user, ticket=None, *, path="/tickets/1/", **context):
    request = RequestFactory().get(path)
    request.user = user
    context = {"request": request, "ticket": ticket, "csrf_token": CSRF_MARK, **context}
    return Template("{% load attachments_ui %}" + source).render(Context(context))


def _download(attachment):
    return reverse("attachments:download", args=[attachment.pk])


def _api_data(ticket):
    presign = reverse("ticket-attachments-presign", args=[ticket.pk])
    register = reverse("ticket-attachments", args=[ticket.pk])
    return f'data-presign-url="{presign}" data-register-url="{register}"'


def _status(limit="25.0\xa0MB"):
    return (
        '<p class="attach-status" data-attach-status'
        ' data-msg-uploading="Uploading %(name)s…" data-msg-done="Uploaded."'
        f' data-msg-too-large="%(name)s is larger than {limit}."'
        ' data-msg-failed="Could not upload %(name)s: %(reason)s"'
        ' role="status" aria-live="polite"></p>'
    )


@pytest.fixture
def closed_ticket(requester, ticket):
    ticket_services.ticket_close(ticket=ticket, by=requester)
    ticket.refresh_from_db()
    return ticket


# --- The files block -------------------------------------------------------------


def test_staff_see_the_block_exactly_as_the_template_wrote_it(
    settings, agent, requester, ticket
):
    public = _attach(requester, ticket)
    internal = _attach(agent, ticket, filename="log.txt", size=1, internal=True)
    path = f"/tickets/{ticket.pk}/?q=a&b=<c>"
    html = _render(LIST, agent, ticket, path=path)
    upload = reverse("attachments:upload", args=[ticket.pk])
    accept = ",".join(settings.ATTACHMENT_TYPES)
    assert html == (
        f'<link rel="stylesheet" href="{static("css/attachments.css")}">\n'
        '<section class="card attachments" aria-labelledby="attachments-title"'
        ' id="attachments"\n'
        f'  data-attachments data-ticket="{ticket.pk}" {_api_data(ticket)}>\n'
        '  <h2 id="attachments-title">Files</h2>\n'
        "  \n"
        '  <ul class="attachment-list">\n'
        "    \n"
        '    <li class="attachment">\n'
        f'      <a href="{_download(public)}" download>보고서.pdf</a>\n'
        '      <span class="muted">1.5\xa0KB</span>\n'
        "      \n"
        "    </li>\n"
        "    \n"
        '    <li class="attachment internal">\n'
        f'      <a href="{_download(internal)}" download>log.txt</a>\n'
        '      <span class="muted">1\xa0byte</span>\n'
        '      <span class="tag note-label">Internal</span>\n'
        "    </li>\n"
        "    \n"
        "  </ul>\n"
        "  \n"
        "  \n"
        '  <form method="post" enctype="multipart/form-data"'
        f' action="{upload}"\n'
        '        class="attach-form" data-attach-form>\n'
        '    <input type="hidden" name="csrfmiddlewaretoken"'
        f' value="{CSRF_MARK}">\n'
        '    <input type="hidden" name="next"'
        f' value="/tickets/{ticket.pk}/?q=a&amp;b=%3Cc%3E#attachments">\n'
        '    <div class="field">\n'
        '      <label for="attach-file">Attach a file</label>\n'
        '      <input type="file" name="file" id="attach-file"'
        f' accept="{accept}" required data-attach\n'
        f'             data-max-bytes="26214400" {_api_data(ticket)}\n'
        '             data-internal-field="internal" data-internal-value="on">\n'
        '      <small class="help">Up to 25.0\xa0MB: images, PDF, text, CSV, ZIP,'
        " Office and HWP documents.</small>\n"
        "    </div>\n"
        "    \n"
        '    <label class="check"><input type="checkbox" name="internal">'
        " Internal (IT staff only)</label>\n"
        "    \n"
        f"    {_status()}\n"
        '    <button type="submit" class="btn">Upload</button>\n'
        "  </form>\n"
        "  \n"
        "</section>\n"
        f'<script src="{static("js/attachments.js")}" defer></script>\n'
    )


def test_requester_never_sees_an_internal_file(agent, requester, ticket):
    public = _attach(requester, ticket)
    internal = _attach(agent, ticket, filename="secret.txt", internal=True)
    html = _render(LIST, requester, ticket)
    assert f'<a href="{_download(public)}" download>보고서.pdf</a>' in html
    assert _download(internal) not in html
    assert "secret.txt" not in html
    assert "note-label" not in html
    assert 'class="attachment internal"' not in html


def test_only_staff_are_offered_the_internal_checkbox(agent, requester, ticket):
    staff_html = _render(LIST, agent, ticket)
    requester_html = _render(LIST, requester, ticket)
    checkbox = '<input type="checkbox" name="internal">'
    internal_data = 'data-internal-field="internal" data-internal-value="on"'
    assert checkbox in staff_html and internal_data in staff_html
    assert checkbox not in requester_html and internal_data not in requester_html
    assert '<form method="post"' in requester_html


def test_a_hostile_file_name_is_shown_as_text(requester, ticket):
    _attach(requester, ticket, filename='<b>&"x.pdf')
    html = _render(LIST, requester, ticket)
    assert " download>&lt;b&gt;&amp;&quot;x.pdf</a>" in html
    assert "<b>" not in html


@pytest.mark.parametrize(
    ("size", "text"),
    [(1, "1\xa0byte"), (1023, "1023\xa0bytes"), (2 * 1024 * 1024 + 5, "2.0\xa0MB")],
)
def test_each_file_shows_its_size(requester, ticket, size, text):
    _attach(requester, ticket, size=size)
    assert f'<span class="muted">{text}</span>' in _render(LIST, requester, ticket)


def test_a_ticket_without_files_says_so(agent, ticket):
    html = _render(LIST, agent, ticket)
    assert '\n  <p class="muted">No files yet.</p>\n' in html
    assert "attachment-list" not in html


def test_no_upload_form_where_the_requester_may_not_attach(requester, closed_ticket):
    html = _render(LIST, requester, closed_ticket)
    assert "<form" not in html
    assert 'data-attachments data-ticket="' in html


def test_staff_may_still_attach_to_a_closed_ticket(agent, closed_ticket):
    upload = reverse("attachments:upload", args=[closed_ticket.pk])
    assert f'action="{upload}"' in _render(LIST, agent, closed_ticket)


@pytest.mark.parametrize("token", ["NOTPROVIDED", "", None])
def test_no_csrf_input_without_a_token(requester, ticket, token):
    html = _render(LIST, requester, ticket, csrf_token=token)
    assert "csrfmiddlewaretoken" not in html
    assert '\n        class="attach-form" data-attach-form>\n    \n' in html


def test_csrf_input_is_what_django_writes(requester, ticket):
    token = 'tok"<&>'
    django_input = _render("{% csrf_token %}", requester, ticket, csrf_token=token)
    assert f"\n    {django_input}\n" in _render(
        LIST, requester, ticket, csrf_token=token
    )


def test_the_limit_and_types_follow_the_settings(settings, requester, ticket):
    settings.ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    settings.ATTACHMENT_TYPES = ["application/pdf", "text/plain"]
    html = _render(LIST, requester, ticket)
    assert 'accept="application/pdf,text/plain" required' in html
    assert 'data-max-bytes="2097152"' in html
    assert "Up to 2.0\xa0MB: images" in html
    assert _status(limit="2.0\xa0MB") in html


def test_korean_when_korean_is_active(agent, ticket):
    _attach(agent, ticket, internal=True)
    with translation.override("ko"):
        html = _render(LIST, agent, ticket)
    assert '<h2 id="attachments-title">파일</h2>' in html
    assert '<span class="tag note-label">내부용</span>' in html
    assert '<label for="attach-file">파일 첨부하기</label>' in html
    assert "최대 25.0\xa0MB: 이미지, PDF" in html
    assert "내부용 (IT 직원만)</label>" in html
    assert 'data-msg-uploading="%(name)s 업로드 중…"' in html
    assert 'data-msg-too-large="%(name)s 파일이 25.0\xa0MB보다 큽니다."' in html
    assert ">업로드</button>" in html


@pytest.mark.parametrize("role", ["agent", "requester"])
def test_the_block_runs_one_query(request, django_assert_num_queries, ticket, role):
    viewer = request.getfixturevalue(role)
    _attach(viewer, ticket)
    with django_assert_num_queries(1):
        _render(LIST, viewer, ticket)


# --- The file inputs inside other forms ------------------------------------------


def test_new_ticket_input_exactly_as_the_template_wrote_it(settings, requester):
    accept = ",".join(settings.ATTACHMENT_TYPES)
    assert _render(NEW_TICKET_INPUT, requester) == (
        '<div class="field attach-field" data-attach-field hidden>\n'
        '  <label for="attach-files">Attach files</label>\n'
        f'  <input type="file" id="attach-files" multiple accept="{accept}"'
        " data-attach\n"
        '         data-max-bytes="26214400"\n'
        "         >\n"
        '  <small class="help">Up to 25.0\xa0MB each.'
        " They are uploaded after the form is sent.</small>\n"
        f"  {_status()}\n"
        "</div>\n"
        '<noscript><p class="help">To attach files without JavaScript,'
        " use “Attach a file” on the ticket page after sending.</p></noscript>\n"
        f'<script src="{static("js/attachments.js")}" defer></script>\n'
    )


def test_reply_input_has_the_api_urls_and_the_visibility_switch(agent, ticket):
    html = _render(REPLY_INPUT, agent, ticket)
    assert (
        f'data-max-bytes="26214400" {_api_data(ticket)}\n'
        '         data-internal-field="visibility" data-internal-value="internal">'
    ) in html


def test_reply_input_escapes_the_switch_names(agent, ticket):
    source = "{% attachment_input ticket internal_field=a internal_value=b %}"
    html = _render(source, agent, ticket, a='x"y', b="<z>")
    assert 'data-internal-field="x&quot;y" data-internal-value="&lt;z&gt;">' in html


def test_no_input_where_the_requester_may_not_attach(requester, closed_ticket):
    assert _render(REPLY_INPUT, requester, closed_ticket) == "\n"


def test_input_in_korean(requester, ticket):
    with translation.override("ko"):
        html = _render(REPLY_INPUT, requester, ticket)
    assert '<label for="attach-files">파일 첨부</label>' in html
    assert "파일당 최대 25.0\xa0MB입니다." in html
    assert "JavaScript 없이 파일을 첨부하려면" in html


def test_input_runs_no_query(django_assert_num_queries, requester, ticket):
    with django_assert_num_queries(0):
        _render(REPLY_INPUT, requester, ticket)


# --- On the pages ----------------------------------------------------------------


def test_ticket_page_has_the_block_with_this_requests_csrf_token(client, agent, ticket):
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    form = page[page.index('class="attach-form"') :]
    assert re.match(
        r'class="attach-form" data-attach-form>\n'
        r'    <input type="hidden" name="csrfmiddlewaretoken" value="\w{64}">\n',
        form,
    )
    assert 'data-internal-field="visibility" data-internal-value="internal"' in page


def test_new_ticket_page_has_the_input_without_api_urls(client, requester):
    client.force_login(requester)
    page = client.get(reverse("tickets:create")).content.decode()
    assert 'id="attach-files"' in page
    assert "data-presign-url" not in page
