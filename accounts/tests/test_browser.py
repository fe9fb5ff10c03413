"""Sign-in in a real browser (headless Chromium through Playwright)."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_and_switch_language(page, live_server, requester, artifacts_dir):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.get_by_label("이메일").fill("Student1@School.ac.kr")
    page.get_by_label("비밀번호").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_text("김학생").first).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "signed-in-en.png"), full_page=True)


def test_wrong_password_keeps_the_email_and_says_why(page, live_server, requester):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("이메일").fill(requester.email)
    page.get_by_label("비밀번호").fill("wrong-password")
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("이메일")).to_have_value(requester.email)


def test_sign_in_page_fits_a_phone(page, live_server, artifacts_dir):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + "/accounts/login/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    page.screenshot(path=str(artifacts_dir / "login-375.png"), full_page=True)
