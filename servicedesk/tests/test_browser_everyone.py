"""What everyone meets, in headless Chromium at 1280 px and 390 px.

Error pages in the site's layout and language, the language switch saved on the
user (and the settings page), opening a notification reads it, one date-time
style, and /favicon.ico.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Language, User
from notifications.models import Notification
from tickets import services
from tickets.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {
    "1280": {"width": 1280, "height": 800},
    "390": {"width": 390, "height": 844},
}


@pytest.fixture(params=list(VIEWPORTS))
def width(request):
    return request.param


@pytest.fixture
def open_as(browser, live_server, width):
    """A new page signed in as `user` at the test's viewport width."""
    contexts = []

    def _open(user):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=VIEWPORTS[width])
        contexts.append(context)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def switch_language(page, to_button):
    """Press the header's language button (inside the menu on a phone)."""
    toggle = page.locator("button.menu-toggle")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("button", name=to_button).click()


def test_forbidden_page_in_the_layout_then_in_english_after_the_switch(
    open_as, live_server, requester, width, artifacts_dir
):
    page = open_as(requester)

    response = page.goto(live_server.url + "/queue/")

    assert response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(
        page.get_by_role("heading", name="이 페이지를 열 수 없습니다")
    ).to_be_visible()
    expect(page.locator("header.topbar .brand")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"403-ko-{width}.png"), full_page=True)

    switch_language(page, "English")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(
        page.get_by_role("heading", name="You cannot open this page")
    ).to_be_visible()
    expect(page.get_by_text("This page is for IT staff.")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"403-en-{width}.png"), full_page=True)
    requester.refresh_from_db()
    assert requester.language == Language.ENGLISH


def test_not_found_page_in_the_layout(open_as, live_server, requester, width):
    requester.language = Language.ENGLISH
    requester.save()
    page = open_as(requester)

    response = page.goto(live_server.url + "/no-such-page/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="Back to the start page").click()
    expect(page).to_have_url(live_server.url + "/")


def test_settings_page_saves_the_language(
    open_as, live_server, requester, width, artifacts_dir
):
    page = open_as(requester)
    page.goto(live_server.url + "/accounts/settings/")
    expect(page.get_by_role("heading", name="설정")).to_be_visible()

    page.get_by_label("English").check()
    page.get_by_role("button", name="저장").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Your settings are saved.")).to_be_visible()
    expect(page.get_by_label("English")).to_be_checked()
    page.screenshot(
        path=str(artifacts_dir / f"settings-en-{width}.png"), full_page=True
    )
    assert User.objects.get(pk=requester.pk).language == Language.ENGLISH


def test_opening_a_notification_reads_it_and_the_time_reads_naturally(
    open_as, live_server, requester, agent, width, artifacts_dir
):
    category = CategoryFactory(slug="hardware", name_ko="하드웨어", name_en="Hardware")
    ticket = services.ticket_create(
        by=requester, title="모니터 고장", category=category
    )
    services.ticket_reply(ticket=ticket, by=agent, body="확인하겠습니다.")
    unread = Notification.objects.filter(recipient=requester, read_at=None)
    assert unread.exists()
    page = open_as(requester)

    page.goto(live_server.url + "/notifications/")
    expect(page.get_by_text("읽지 않음:").first).to_be_visible()
    expect(page.get_by_text("신규")).to_have_count(0)
    stamp = page.locator(".notification time").first.inner_text()
    assert re.fullmatch(r"\d{4}년 \d{1,2}월 \d{1,2}일 (오전|오후) \d{1,2}:\d{2}", stamp)
    page.screenshot(path=str(artifacts_dir / f"notifications-ko-{width}.png"))

    page.locator(".notification a").first.click()

    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    assert unread.count() == 1  # the one opened is read, the other is not
    page.goto(live_server.url + "/notifications/")
    expect(page.get_by_text("읽지 않음:")).to_have_count(1)


def test_favicon_ico_answers(page, live_server):
    response = page.goto(live_server.url + "/favicon.ico")

    assert response.status == 200
    assert response.url.endswith(".svg")
