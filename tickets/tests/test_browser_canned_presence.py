"""Canned replies and presence in a real browser, with two agents at once.

Korean pages; controls found by their labels. Presence beats every 2 s here
(the server tells the page its interval) so the test need not wait 15.
"""

import re

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.services import presence
from tickets.tests.factories import CategoryFactory
from tickets.tests.test_browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def category(db):
    return CategoryFactory(slug="hardware", name_ko="하드웨어", name_en="Hardware")


@pytest.fixture
def ticket(requester, category):
    return services.ticket_create(
        by=requester, title="강의실 빔프로젝터 고장", category=category
    )


@pytest.fixture
def fast_presence(monkeypatch):
    monkeypatch.setattr(presence, "INTERVAL", 2)


def agent_page(browser, live_server, user, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    sign_in(page, live_server.url, user)
    return context, page


@pytest.mark.usefixtures("fast_presence")
def test_an_agent_sees_another_viewing_typing_and_leaving(
    browser, live_server, agent, other_agent, ticket, artifacts_dir
):
    url = f"{live_server.url}/tickets/{ticket.pk}/"
    lee_context, lee = agent_page(browser, live_server, agent)
    jung_context, jung = agent_page(browser, live_server, other_agent)
    lee.goto(url)
    jung.goto(url)
    others = jung.locator(".presence-list")
    expect(others).to_have_text("이담당 님이 보고 있음")
    expect(lee.locator(".presence-list")).to_have_text("정담당 님이 보고 있음")

    lee.get_by_label("내용").fill("프로젝터 램프를 확인해 보겠습니다.")
    expect(others).to_have_text("이담당 님이 답변 작성 중")
    jung.screenshot(path=str(artifacts_dir / "presence-typing-1280.png"))

    lee_context.close()  # the page goes away: it says it left
    expect(others).to_have_text("")
    expect(jung.locator(".presence")).to_be_hidden()
    jung_context.close()


def test_a_requester_page_has_no_presence(browser, live_server, requester, ticket):
    context, page = agent_page(browser, live_server, requester)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.get_by_role("heading", name=re.compile("빔프로젝터"))).to_be_visible()
    assert page.locator(".presence").count() == 0
    assert not [address for address in asked if "presence" in address]
    context.close()


def test_a_canned_reply_goes_in_at_the_cursor(
    browser, live_server, agent, admin_user, ticket, artifacts_dir
):
    services.canned_reply_create(
        by=admin_user,
        title="점검 안내",
        body="{{ requester_name }} 님, {{ ticket_reference }} 건 점검하겠습니다.",
        shared=True,
    )
    context, page = agent_page(browser, live_server, agent)
    url = f"{live_server.url}/tickets/{ticket.pk}/"
    page.goto(url)
    message = page.get_by_label("내용")
    message.fill("안녕하세요.\n")
    page.get_by_label("상용구").select_option(label="점검 안내")
    page.get_by_role("button", name="넣기").click()
    expect(message).to_have_value(
        f"안녕하세요.\n김학생 님, {ticket.reference} 건 점검하겠습니다."
    )
    assert page.url == url  # nothing was sent, no page was loaded
    page.screenshot(path=str(artifacts_dir / "canned-inserted-1280.png"))
    page.get_by_role("button", name="보내기", exact=True).click()
    expect(page.locator(".comment.staff").last).to_contain_text("건 점검하겠습니다.")
    context.close()


def test_without_javascript_insert_shows_the_page_with_the_text_added(
    browser, live_server, agent, admin_user, ticket
):
    services.canned_reply_create(
        by=admin_user, title="점검 안내", body="{{ agent_name }}입니다.", shared=True
    )
    context, page = agent_page(browser, live_server, agent, java_script_enabled=False)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    assert page.locator(".presence-list li").count() == 0
    page.get_by_label("내용").fill("먼저 쓴 글")
    page.get_by_label("상용구").select_option(label="점검 안내")
    page.get_by_role("button", name="넣기").click()
    expect(page.get_by_label("내용")).to_have_value("먼저 쓴 글\n\n이담당입니다.")
    assert ticket.comments.count() == 0
    context.close()
