"""The ticket pages in a real browser (headless Chromium through Playwright).

The pages are in Korean by default, so the tests find controls by their Korean
labels, as a person would.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD
from tickets import services
from tickets.models import Status, Ticket
from tickets.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def category(db):
    return CategoryFactory(slug="hardware", name_ko="하드웨어", name_en="Hardware")


def sign_in(page, base_url, user):
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("이메일").fill(user.email)
    page.get_by_label("비밀번호").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page).to_have_url(base_url + "/")


def horizontal_overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_ticket_from_request_to_close(
    page, browser, live_server, requester, agent, category, artifacts_dir
):
    base = live_server.url

    # The requester lands on "my tickets" and opens a ticket.
    sign_in(page, base, requester)
    expect(page.get_by_role("heading", name="내 티켓")).to_be_visible()
    page.get_by_role("link", name="새 티켓").first.click()
    page.get_by_label("제목").fill("강의실 빔프로젝터가 켜지지 않아요 <b>급함</b>")
    page.get_by_label("분류").select_option(label="하드웨어")
    page.get_by_label("우선순위").select_option("high")
    page.get_by_label("설명").fill("공학관 305호 빔프로젝터 전원이 들어오지 않습니다.")
    page.get_by_label("위치 (건물 / 호실)").fill("공학관 305호")
    page.get_by_label("연락처").fill("02-1234-5678")
    page.get_by_role("button", name="티켓 등록").click()
    ticket = Ticket.objects.get()
    expect(page).to_have_url(f"{base}/tickets/{ticket.pk}/")
    # Markup typed into the title is shown as text, never as markup.
    expect(page.get_by_role("heading", level=1)).to_contain_text("<b>급함</b>")
    expect(page.locator(".tags")).to_contain_text("신규")
    page.screenshot(path=str(artifacts_dir / "ticket-created.png"), full_page=True)

    # The agent finds it in the queue, takes it, replies and adds a note.
    staff = browser.new_context()
    agent_page = staff.new_page()
    sign_in(agent_page, base, agent)
    expect(agent_page.get_by_role("heading", name="대기열")).to_be_visible()
    agent_page.get_by_label("검색").fill("빔프로젝터")
    agent_page.get_by_role("button", name="적용").click()
    agent_page.get_by_role("link", name=re.compile("강의실 빔프로젝터")).click()
    agent_page.get_by_role("button", name="나에게 배정").click()
    expect(agent_page.locator(".facts")).to_contain_text(agent.name)
    expect(agent_page.locator(".tags")).to_contain_text("처리 중")

    agent_page.get_by_label("내용").fill("전원 케이블을 확인해 주세요.")
    agent_page.get_by_role("button", name="보내기").click()
    expect(agent_page.get_by_text("답변을 보냈습니다.")).to_be_visible()

    agent_page.get_by_label("내부 메모 (IT 직원만)").check()
    agent_page.get_by_label("내용").fill("램프 교체가 필요할 수 있음 — 재고 확인")
    agent_page.get_by_role("button", name="보내기").click()
    note = agent_page.locator("article.comment.internal")
    expect(note).to_contain_text("내부 메모")
    expect(note).to_contain_text("램프 교체가 필요할 수 있음")
    background = note.evaluate("el => getComputedStyle(el).backgroundColor")
    reply = agent_page.locator("article.comment.staff")
    assert background != reply.evaluate("el => getComputedStyle(el).backgroundColor")
    expect(agent_page.locator(".timeline")).to_contain_text("내부 메모를 남겼습니다")
    agent_page.screenshot(path=str(artifacts_dir / "ticket-agent.png"), full_page=True)
    staff.close()

    # The requester sees the reply, never the note, and closes the ticket.
    page.reload()
    expect(page.get_by_text("전원 케이블을 확인해 주세요.")).to_be_visible()
    expect(page.get_by_text("램프 교체가 필요할 수 있음")).to_have_count(0)
    expect(page.get_by_text("내부 메모")).to_have_count(0)
    page.get_by_role("button", name="티켓 종료").click()
    expect(page.locator(".tags")).to_contain_text("종료")
    expect(page.get_by_role("link", name="이 건으로 새 티켓 열기")).to_be_visible()
    expect(page.get_by_label("내용")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "ticket-closed.png"), full_page=True)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_the_language_switch(page, live_server, agent, artifacts_dir):
    sign_in(page, live_server.url, agent)
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", name="대기열")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="New ticket for someone")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Open \d+$"))).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "queue-en.png"), full_page=True)
    page.get_by_role("button", name="한국어").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", name="대기열")).to_be_visible()


def test_phone_width_pages_do_not_scroll_sideways(
    page, browser, live_server, requester, agent, category, artifacts_dir
):
    long_title = "기숙사A동3층와이파이연결이자주끊어지는문제" * 4
    ticket = services.ticket_create(
        by=requester,
        title=long_title[:200],
        category=category,
        description="https://portal.school.ac.kr/very/long/address/" * 5,
    )
    services.ticket_reply(ticket=ticket, by=agent, body="확인 중입니다.")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, requester)
    for name, path in [
        ("my-tickets", "/tickets/"),
        ("new-ticket", "/tickets/new/"),
        ("ticket", f"/tickets/{ticket.pk}/"),
    ]:
        page.goto(live_server.url + path)
        assert horizontal_overflow(page) == 0, path
        page.screenshot(path=str(artifacts_dir / f"phone-{name}.png"), full_page=True)

    staff = browser.new_context(viewport=PHONE)
    agent_page = staff.new_page()
    sign_in(agent_page, live_server.url, agent)
    for name, path in [
        ("queue", "/queue/"),
        ("staff-ticket", f"/tickets/{ticket.pk}/"),
    ]:
        agent_page.goto(live_server.url + path)
        assert horizontal_overflow(agent_page) == 0, path
        agent_page.screenshot(
            path=str(artifacts_dir / f"phone-{name}.png"), full_page=True
        )
    staff.close()


def test_keyboard_reaches_the_skip_link_first_and_forms_show_errors(
    page, live_server, requester, category
):
    sign_in(page, live_server.url, requester)
    page.goto(live_server.url + "/tickets/new/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="본문으로 건너뛰기")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.get_by_label("설명").fill("제목 없이 보낸 설명")
    page.get_by_role("button", name="티켓 등록").click()
    expect(page.locator(".field-error").first).to_be_visible()
    expect(page.get_by_label("설명")).to_have_value("제목 없이 보낸 설명")
    assert not Ticket.objects.exists()


def test_bulk_assign_with_select_all(page, live_server, requester, agent, category):
    for number in range(3):
        services.ticket_create(by=requester, title=f"일괄 {number}", category=category)
    sign_in(page, live_server.url, agent)
    page.get_by_label("이 페이지 전체 선택").check()
    page.locator("#bulk-assignee").select_option("me")
    page.get_by_role("button", name="배정", exact=True).click()
    expect(page.get_by_text("티켓 3건을 변경했습니다.")).to_be_visible()
    assert Ticket.objects.filter(assignee=agent).count() == 3
