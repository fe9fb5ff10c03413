"""The dashboard in a real browser (headless Chromium): a screenshot to look at."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD

from .conftest import seoul

pytestmark = pytest.mark.django_db(transaction=True)


def test_dashboard_in_the_browser(
    page, live_server, agent, week, time_machine, artifacts_dir
):
    time_machine.move_to(seoul(2026, 12, 7, 12), tick=True)  # let the clock run
    base = live_server.url
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    page.goto(base + "/accounts/login/")
    page.get_by_label("이메일").fill(agent.email)
    page.get_by_label("비밀번호").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.get_by_role("link", name="보고서").click()
    expect(page.get_by_role("heading", name="보고서", level=1)).to_be_visible()
    page.get_by_label("기간").select_option(label="직접 지정")
    page.get_by_label("시작일").fill("2026-11-30")
    page.get_by_label("종료일").fill("2026-12-06")
    page.get_by_role("button", name="보기").click()
    chart = page.get_by_role("img", name="접수 및 해결 추이")
    expect(chart).to_be_visible()
    # The bars are drawn (the stylesheet colours them; no inline styles).
    fill = chart.locator("rect.series-created").first.evaluate(
        "bar => getComputedStyle(bar).fill"
    )
    assert fill == "rgb(31, 95, 191)"
    expect(page.get_by_role("table", name="주요 지표")).to_contain_text("75")
    assert not [text for text in errors if "Content Security Policy" in text]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts_dir / "reports-dashboard.png"), full_page=True)
