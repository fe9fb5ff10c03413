"""The file picker in a real browser, at desktop and phone widths (Korean pages).

A refused file stops the new-ticket form before anything is created; uploads
show a progress bar with a percent; the success message survives the
uploads; the category must be chosen; the ticket page has one picker, and a
file shows under the reply it came with.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD
from attachments.models import Attachment
from tickets.models import Comment, Ticket
from tickets.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}
REGISTER = re.compile(r"/api/tickets/\d+/attachments$")
PRESIGN = re.compile(r"/api/tickets/\d+/attachments/presign$")


@pytest.fixture(params=list(VIEWPORTS))
def width(request, page):
    page.set_viewport_size(VIEWPORTS[request.param])
    return request.param


@pytest.fixture
def categories(network):
    return [CategoryFactory(slug="hardware", name_ko="하드웨어", name_en="Hardware")]


def _sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(user.email)
    page.get_by_label("비밀번호").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page).to_have_url(live_server.url + "/")


def _open_new_ticket(page, live_server, requester, category="하드웨어"):
    _sign_in(page, live_server, requester)
    page.goto(live_server.url + "/tickets/new/")
    page.get_by_label("제목").fill("프린터가 인쇄하지 않아요")
    if category:
        page.get_by_label("분류").select_option(label=category)
    page.get_by_label("설명").fill("공학관 3층 프린터에서 출력이 안 됩니다.")


def _no_sideways_scroll(page):
    assert (
        page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        == 0
    )


@pytest.mark.parametrize(
    ("name", "size", "shown"),
    [
        ("big.zip", 27 * 1024 * 1024, "big.zip 파일이 25.0\xa0MB보다 큽니다."),
        ("setup.exe", 2048, "setup.exe 같은 파일은 첨부할 수 없습니다."),
    ],
)
def test_a_refused_file_stops_the_form_before_anything_is_created(
    width,
    page,
    live_server,
    requester,
    categories,
    local_storage,
    tmp_path,
    artifacts_dir,
    name,
    size,
    shown,
):
    source = tmp_path / name
    source.write_bytes(b"\0" * size)
    _open_new_ticket(page, live_server, requester)
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.locator("#attach-files").set_input_files(str(source))
    status = page.locator("[data-attach-status]")
    expect(status).to_contain_text(shown)  # said as soon as it is chosen
    page.get_by_role("button", name="티켓 등록").click()
    expect(status).to_contain_text("아무것도 보내지 않았습니다.")
    expect(status).to_have_attribute("role", "alert")
    expect(page).to_have_url(live_server.url + "/tickets/new/")
    expect(page.get_by_label("제목")).to_have_value("프린터가 인쇄하지 않아요")
    assert not [request for request in requests if request.method == "POST"]
    assert not Ticket.objects.exists()
    _no_sideways_scroll(page)
    page.screenshot(
        path=str(artifacts_dir / f"new-ticket-refused-{name}-{width}.png"),
        full_page=True,
    )


def test_the_upload_shows_a_progress_bar_and_the_success_message_stays(
    width,
    page,
    live_server,
    requester,
    categories,
    local_storage,
    tmp_path,
    artifacts_dir,
):
    source = tmp_path / "화면 캡처.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8 * 1024)
    _open_new_ticket(page, live_server, requester)
    page.locator("#attach-files").set_input_files(str(source))
    page.evaluate(
        """() => {
          window.percents = [];
          const shown = document.querySelector("[data-attach-percent]");
          new MutationObserver(() => window.percents.push(shown.textContent))
            .observe(shown, {childList: true, characterData: true, subtree: true});
        }"""
    )
    held = []
    page.route(REGISTER, lambda route: held.append(route))  # hold step 3
    page.get_by_role("button", name="티켓 등록").click()

    progress = page.locator("[data-attach-progress]")
    expect(progress).to_be_visible()
    expect(progress.locator("[data-attach-percent]")).to_have_text("100%")
    assert progress.locator("progress").evaluate("bar => bar.value") == 100
    expect(page.locator("[data-attach-status]")).to_contain_text(
        "화면 캡처.png 업로드 중…"
    )
    percents = page.evaluate("window.percents")
    assert percents[0] == "0%" and percents[-1] == "100%"
    numbers = [int(each.rstrip("%")) for each in percents]
    assert numbers == sorted(numbers)
    page.screenshot(path=str(artifacts_dir / f"upload-progress-{width}.png"))
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()

    ticket = Ticket.objects.get()
    expect(page).to_have_url(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.locator(".messages")).to_contain_text(
        f"티켓 {ticket.reference}을(를) 접수했습니다."
    )
    files = page.locator("#attachments")
    expect(files.get_by_role("link", name="화면 캡처.png")).to_be_visible()
    assert Attachment.objects.get().comment is None
    _no_sideways_scroll(page)
    page.screenshot(
        path=str(artifacts_dir / f"new-ticket-with-file-{width}.png"), full_page=True
    )


def test_an_upload_failing_after_the_ticket_exists_lands_on_the_ticket(
    width,
    page,
    live_server,
    requester,
    categories,
    local_storage,
    tmp_path,
    artifacts_dir,
):
    source = tmp_path / "log.txt"
    source.write_text("error 42\n")
    _open_new_ticket(page, live_server, requester)
    page.locator("#attach-files").set_input_files(str(source))
    page.route(
        PRESIGN,
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body='{"detail": "storage down"}',
        ),
    )
    page.get_by_role("button", name="티켓 등록").click()
    ticket_url = re.compile(r"/tickets/\d+/#reply$")
    expect(page).to_have_url(ticket_url)
    ticket = Ticket.objects.get()
    messages = page.locator(".messages")
    expect(messages).to_contain_text(f"티켓 {ticket.reference}을(를) 접수했습니다.")
    expect(messages).to_contain_text(
        "“log.txt” 파일이 올라가지 않았습니다(storage down)."
    )
    expect(messages).to_contain_text("여기에서 답글과 함께 파일을 다시 첨부해 주세요.")
    expect(page.locator("#reply #attach-files")).to_be_visible()
    assert not Attachment.objects.exists()
    page.screenshot(
        path=str(artifacts_dir / f"new-ticket-upload-failed-{width}.png"),
        full_page=True,
    )


def test_chosen_files_dropped_by_a_form_error_are_named(
    width, page, live_server, requester, categories, local_storage, tmp_path
):
    source = tmp_path / "log.txt"
    source.write_text("error 42\n")
    _open_new_ticket(page, live_server, requester)
    page.get_by_label("제목").fill("")
    page.locator("#attach-files").set_input_files(str(source))
    page.get_by_role("button", name="티켓 등록").click()
    note = page.locator("[data-attach-dropped]")
    expect(note).to_contain_text(
        "선택한 파일(log.txt)이 빠졌습니다. 파일을 다시 선택해 주세요."
    )
    expect(page.get_by_label("설명")).to_have_value(
        "공학관 3층 프린터에서 출력이 안 됩니다."
    )
    assert not Ticket.objects.exists()


def test_the_category_must_be_chosen(
    width, page, live_server, requester, categories, artifacts_dir
):
    _open_new_ticket(page, live_server, requester, category=None)
    menu = page.get_by_label("분류")
    expect(menu.locator("option:checked")).to_have_text("선택하세요")
    page.get_by_role("button", name="티켓 등록").click()
    expect(page.get_by_text("문제에 가장 가까운 분류를 선택해 주세요.")).to_be_visible()
    assert not Ticket.objects.exists()
    page.screenshot(
        path=str(artifacts_dir / f"new-ticket-no-category-{width}.png"), full_page=True
    )
    page.get_by_label("분류").select_option(label="네트워크")
    page.get_by_role("button", name="티켓 등록").click()
    expect(page.locator(".tags")).to_contain_text("네트워크")
    assert Ticket.objects.get().category.name_ko == "네트워크"


def test_the_ticket_page_has_one_picker_and_shows_a_file_under_its_reply(
    width,
    page,
    live_server,
    requester,
    ticket,
    local_storage,
    tmp_path,
    artifacts_dir,
):
    source = tmp_path / "오류 화면.txt"
    source.write_text("0x80070005\n")
    _sign_in(page, live_server, requester)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    pickers = page.locator('input[type="file"]')
    expect(pickers).to_have_count(1)
    expect(page.locator('#reply input[type="file"]')).to_have_count(1)
    expect(page.locator("#attachments form")).to_have_count(0)
    page.get_by_label("내용").fill("오류 화면을 첨부합니다.")
    pickers.set_input_files(str(source))
    page.get_by_role("button", name="보내기").click()

    reply = page.locator("article.comment", has_text="오류 화면을 첨부합니다.")
    expect(reply.get_by_role("link", name="오류 화면.txt")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("답변을 보냈습니다.")
    comment = Comment.objects.get(body="오류 화면을 첨부합니다.")
    assert reply.get_attribute("id") == f"comment-{comment.pk}"
    assert Attachment.objects.get().comment == comment
    expect(page.locator("#attachments a[download]")).to_have_count(0)
    _no_sideways_scroll(page)
    page.screenshot(
        path=str(artifacts_dir / f"ticket-file-under-reply-{width}.png"),
        full_page=True,
    )


def test_a_file_goes_with_a_reply_sent_with_a_status_button(
    width, page, live_server, agent, ticket, local_storage, tmp_path
):
    source = tmp_path / "조치 내역.txt"
    source.write_text("드라이버 재설치\n")
    _sign_in(page, live_server, agent)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.get_by_label("내용").fill("드라이버를 다시 설치했습니다.")
    page.locator("#attach-files").set_input_files(str(source))
    page.get_by_role("button", name="보내고 해결됨으로").click()

    reply = page.locator("article.comment", has_text="드라이버를 다시 설치했습니다.")
    expect(reply.get_by_role("link", name="조치 내역.txt")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(
        "답변을 보냈습니다. 티켓은 이제 “해결됨” 상태입니다."
    )
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert Attachment.objects.get().comment.body == "드라이버를 다시 설치했습니다."
