"""The layout at 390 px (a phone) and 1280 px, in headless Chromium.

The header folds into a menu on a phone, the agent reaches a ticket's status and
assignee panel from the top of the page, touch targets are 44 px tall, and the
admin's outbound e-mail list fits a 1280 px screen.
"""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from notifications.models import NotificationKind, OutboundEmail, OutboundEmailStatus
from tickets import services
from tickets.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# Every control a finger has to hit, as shown (display: none ones have no box).
SMALL_TARGETS = """
() => Array.from(document.querySelectorAll(
    'button, input[type=checkbox], input[type=radio], input[type=submit], .btn'
  ))
  .filter((el) => el.getClientRects().length > 0)
  .map((el) => ({
    what: el.outerHTML.slice(0, 80),
    height: el.getBoundingClientRect().height,
  }))
  .filter((target) => target.height < 44)
"""


@pytest.fixture
def category(db):
    return CategoryFactory(slug="hardware", name_ko="하드웨어", name_en="Hardware")


@pytest.fixture
def signed_in(browser, live_server):
    """A new browser page signed in as `user` at the given viewport size."""
    contexts = []

    def _open(user, viewport):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=viewport)
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


@pytest.fixture
def long_ticket(requester, agent, category):
    """A ticket whose conversation is far longer than a phone's screen."""
    ticket = services.ticket_create(
        by=requester,
        title="기숙사 와이파이가 자주 끊깁니다",
        category=category,
        description="3층 복도 끝 방입니다. " * 20,
    )
    for number in range(8):
        services.ticket_reply(
            ticket=ticket, by=agent, body=f"{number}번째 확인 내용입니다. " * 15
        )
        services.ticket_reply(
            ticket=ticket, by=requester, body=f"{number}번째 답변입니다. " * 15
        )
    return ticket


def header_rows(page) -> int:
    """How many lines the header's visible items take (items on a line overlap)."""
    boxes = page.evaluate(
        """() => Array.from(document.querySelectorAll(
              '.topbar > .brand, .topbar > .menu-toggle, .topbar .nav > *'))
            .filter((el) => el.getClientRects().length > 0)
            .map((el) => { const r = el.getBoundingClientRect();
                           return [r.top, r.bottom]; })"""
    )
    rows = []
    for top, bottom in sorted(boxes):
        if rows and top < rows[-1]:
            rows[-1] = max(rows[-1], bottom)
        else:
            rows.append(bottom)
    return len(rows)


def test_phone_header_is_one_line_and_its_menu_opens_and_closes(
    signed_in, live_server, agent, artifacts_dir
):
    page = signed_in(agent, PHONE)
    page.goto(live_server.url + "/queue/")
    toggle = page.get_by_role("button", name="메뉴")
    nav = page.get_by_role("navigation", name="주 메뉴")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("button", name="English")).to_be_hidden()
    assert header_rows(page) == 1
    assert page.locator(".topbar").bounding_box()["height"] <= 64
    page.screenshot(path=str(artifacts_dir / "phone-menu-closed.png"))

    # The mouse opens and closes it.
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="대기열")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "phone-menu-open.png"))
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="대기열")).to_be_hidden()

    # So does the keyboard: Enter opens, Tab walks in, Escape closes and comes back.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="대기열")).to_be_focused()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")

    # The language switch is in the menu and works from there.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Menu")).to_have_attribute(
        "aria-expanded", "false"
    )
    assert header_rows(page) == 1


def test_wide_header_lists_every_link_on_one_line(
    signed_in, live_server, admin_user, artifacts_dir
):
    page = signed_in(admin_user, DESKTOP)
    page.goto(live_server.url + "/queue/")
    expect(page.get_by_role("button", name="메뉴")).to_be_hidden()
    nav = page.get_by_role("navigation", name="주 메뉴")
    expect(nav.get_by_role("link", name="대기열")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    assert header_rows(page) == 1
    page.screenshot(path=str(artifacts_dir / "desktop-header.png"))


def test_without_javascript_the_phone_header_lists_the_links(
    browser, live_server, agent
):
    client = Client()
    client.force_login(agent)
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
    page.goto(live_server.url + "/queue/")
    expect(page.get_by_role("button", name="메뉴")).to_be_hidden()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.get_by_role("link", name="대기열").first).to_be_visible()
    context.close()


def test_agent_reaches_status_and_assignee_from_the_top_on_a_phone(
    signed_in, live_server, agent, long_ticket, artifacts_dir
):
    page = signed_in(agent, PHONE)
    page.goto(f"{live_server.url}/tickets/{long_ticket.pk}/")
    manage = page.get_by_role("heading", name="처리", exact=True)
    # The thread is long: the panel starts far below the first screen ...
    assert manage.bounding_box()["y"] > PHONE["height"]
    # ... and a link in the first screen goes straight to it.
    jump = page.get_by_role("link", name="상태·담당자 변경으로 이동")
    expect(jump).to_be_visible()
    box = jump.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    page.screenshot(path=str(artifacts_dir / "phone-ticket-top.png"))
    jump.click()
    expect(manage).to_be_in_viewport()
    status = page.locator("#manage").get_by_label("상태")
    expect(status).to_be_in_viewport()
    page.screenshot(path=str(artifacts_dir / "phone-ticket-manage.png"))

    # At 1280 px the panel is beside the thread and the link is not needed.
    page.set_viewport_size(DESKTOP)
    page.evaluate("window.scrollTo(0, 0)")
    expect(jump).to_be_hidden()
    expect(manage).to_be_in_viewport()


def test_touch_targets_are_44px_tall_on_a_phone(
    signed_in, live_server, requester, agent, long_ticket, category
):
    services.ticket_create(by=requester, title="프린터 용지 걸림", category=category)
    staff = signed_in(agent, PHONE)
    staff.goto(live_server.url + "/queue/")
    # One box per ticket, each checked below.
    assert staff.locator('.tickets tbody input[type="checkbox"]:visible').count() == 2
    for path in ["/queue/", f"/tickets/{long_ticket.pk}/"]:
        staff.goto(live_server.url + path)
        assert staff.evaluate(SMALL_TARGETS) == [], path
        staff.get_by_role("button", name="메뉴").click()  # the menu's buttons too
        assert staff.evaluate(SMALL_TARGETS) == [], path

    student = signed_in(requester, PHONE)
    for path in ["/tickets/", f"/tickets/{long_ticket.pk}/"]:
        student.goto(live_server.url + path)
        assert student.evaluate(SMALL_TARGETS) == [], path


def test_admin_outbound_email_list_fits_1280px(
    signed_in, live_server, admin_user, long_ticket, artifacts_dir
):
    for number in range(5):
        OutboundEmail.objects.create(
            to_address=f"graduate.student.{number}@engineering.school.ac.kr",
            language="ko",
            kind=NotificationKind.STATUS_CHANGED,
            ticket=long_ticket,
            subject=f"[SD-{number:06d}] " + "기숙사 와이파이가 자주 끊깁니다 " * 6,
            message_id=f"<{number}@sd>",
            status=OutboundEmailStatus.FAILED,
            attempts=5,
            last_error="SMTPRecipientsRefused: 550 5.1.1 The email account that "
            "you tried to reach does not exist. Please try double-checking "
            "the recipient's email address for typos or unnecessary spaces.",
        )
    page = signed_in(admin_user, DESKTOP)
    page.goto(live_server.url + "/admin/notifications/outboundemail/")
    expect(
        page.get_by_text("graduate.student.4@engineering.school.ac.kr")
    ).to_be_visible()
    overflow = page.evaluate(
        """() => {
          const wrap = document.querySelector('#changelist .results');
          const root = document.documentElement;
          return [wrap.scrollWidth - wrap.clientWidth,
                  root.scrollWidth - root.clientWidth];
        }"""
    )
    page.screenshot(path=str(artifacts_dir / "admin-outbound-1280.png"))
    assert overflow == [0, 0]
