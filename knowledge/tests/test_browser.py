"""The knowledge base in headless Chromium: suggestions on the new-ticket form at
390 px, "this solved it", and the agents' link picker on the reply form."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from knowledge import services
from knowledge.models import Article, ArticleStatus, Deflection
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_as(browser, live_server):
    """A new page signed in as `user` (the session cookie of a test client)."""
    contexts = []

    def _open(user, viewport=PHONE):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def wifi_articles(admin_user, network):
    def save(title, **fields):
        return services.article_save(
            article=Article(
                title=title,
                body=f"{title}: 기숙사 와이파이 연결 방법",
                category=network,
                status=fields.pop("status", ArticleStatus.PUBLISHED),
                **fields,
            ),
            by=admin_user,
        )

    return {
        "published": save("기숙사 와이파이가 끊길 때"),
        "draft": save("와이파이 새 장비 안내 (초안)", status=ArticleStatus.DRAFT),
        "internal": save("와이파이 AP 재부팅 절차", internal=True),
    }


def test_a_requester_sees_suggestions_while_typing_a_title(
    open_as, live_server, requester, wifi_articles, artifacts_dir
):
    page = open_as(requester)
    page.goto(live_server.url + "/tickets/new/")
    panel = page.locator("[data-kb-suggest]")
    expect(panel).to_be_hidden()

    page.get_by_label("제목").press_sequentially("와이파이가 자꾸 끊겨요", delay=20)
    expect(panel).to_be_visible()
    links = panel.locator(".kb-suggest-link")
    expect(links).to_have_count(1)
    expect(links.first).to_have_text("기숙사 와이파이가 끊길 때")
    # Drafts and internal notes never reach a requester, here neither.
    expect(panel).not_to_contain_text("초안")
    expect(panel).not_to_contain_text("재부팅")
    # Right under the title, and within a phone's width.
    title_box = page.get_by_label("제목").bounding_box()
    assert panel.bounding_box()["y"] > title_box["y"]
    assert (
        page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        <= 0
    )
    page.screenshot(path=str(artifacts_dir / "kb-suggestions-390.png"), full_page=True)

    solved = panel.get_by_role("button", name="이 글로 해결됐어요")
    solved.dblclick()
    expect(panel.locator(".kb-thanks")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "kb-suggestions-solved-390.png"))
    assert (
        Deflection.objects.filter(
            article=wifi_articles["published"], user=requester
        ).count()
        == 1
    )

    # The list, searched for a two-syllable word, on the same phone.
    page.goto(live_server.url + "/kb/?q=연결")  # the draft and note hold it too
    expect(page.locator(".kb-item")).to_have_count(1)
    page.screenshot(path=str(artifacts_dir / "kb-list-390.png"), full_page=True)


def test_an_agent_inserts_an_article_link_into_a_reply(
    open_as, live_server, requester, agent, network, wifi_articles, artifacts_dir
):
    ticket = ticket_services.ticket_create(
        by=requester, title="와이파이 문의", category=network
    )
    page = open_as(agent, {"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.locator(".kb-picker-fallback")).to_be_hidden()
    page.get_by_text("문서 링크", exact=True).click()
    reply = page.get_by_label("내용")
    reply.fill("아래 문서를 참고해 주세요.")
    search = page.get_by_label("요청자가 볼 수 있는 문서 찾기")
    search.fill("와이파이")
    search.press("Enter")  # searches; does not send the reply
    results = page.locator(".kb-picker-results li")
    expect(results).to_have_count(1)  # public articles only: the link goes out
    expect(results.first).to_contain_text("기숙사 와이파이가 끊길 때")
    results.first.get_by_role("button", name="링크 넣기").click()
    url = wifi_articles["published"].absolute_url
    expect(reply).to_have_value(f"아래 문서를 참고해 주세요. {url}")
    assert ticket.comments.count() == 0
    page.screenshot(path=str(artifacts_dir / "kb-link-picker.png"))


def test_without_javascript_the_forms_still_work(
    browser, live_server, requester, wifi_articles
):
    client = Client()
    client.force_login(requester)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + "/tickets/new/")
    expect(page.locator("[data-kb-suggest]")).to_be_hidden()
    page.goto(live_server.url + wifi_articles["published"].get_absolute_url())
    page.get_by_role("button", name="이 글로 해결됐어요").click()
    expect(page.get_by_text("알려 주셔서 감사합니다")).to_be_visible()
    context.close()
