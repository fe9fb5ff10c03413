"""A file attached to a reply in a real browser, and downloaded back intact."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD
from attachments.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

CONTENT = "와이파이 로그\n".encode() + bytes(range(256)) * 64
NAME = "연결 로그.txt"


@pytest.fixture(params=["local", "object"])
def backend(request, live_server):
    request.getfixturevalue(f"{request.param}_storage")
    if request.param == "object":
        # The browser PUTs straight to the bucket: another origin.
        call_command("storage_cors", "--origin", live_server.url, stdout=io.StringIO())
    return request.param


def _sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(user.email)
    page.get_by_label("비밀번호").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_text(user.name).first).to_be_visible()


def test_attach_on_a_reply_and_download_it_back(
    backend, page, live_server, requester, ticket, tmp_path, artifacts_dir
):
    source = tmp_path / NAME
    source.write_bytes(CONTENT)
    _sign_in(page, live_server, requester)
    detail = f"{live_server.url}/tickets/{ticket.pk}/"
    page.goto(detail)
    page.locator("#reply textarea").fill("로그 파일 첨부합니다.")
    page.locator("#attach-files").set_input_files(str(source))
    page.locator('#reply button[type="submit"]').click()

    # Shown under the reply it came with.
    reply = page.locator("article.comment", has_text="로그 파일 첨부합니다.")
    link = reply.get_by_role("link", name=NAME)
    expect(link).to_be_visible()
    attachment = Attachment.objects.get()
    assert reply.get_attribute("id") == f"comment-{attachment.comment_id}"
    expect(page.get_by_text("답변을 보냈습니다.")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"attachment-{backend}.png"))
    assert (attachment.filename, attachment.size) == (NAME, len(CONTENT))

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == NAME
    assert Path(download.path()).read_bytes() == CONTENT
