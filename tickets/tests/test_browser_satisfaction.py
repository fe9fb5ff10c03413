"""Satisfaction in a real browser: the ticket page's card and the e-mail link's page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tickets import services
from tickets.models import SatisfactionRating, Status
from tickets.satisfaction_links import satisfaction_token
from tickets.tests.factories import CategoryFactory
from tickets.tests.test_browser import horizontal_overflow, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def resolved(requester, agent):
    category = CategoryFactory(slug="hardware", name_ko="하드웨어", name_en="Hardware")
    ticket = services.ticket_create(
        by=requester, title="강의실 빔프로젝터 고장", category=category
    )
    return services.ticket_status_change(
        ticket=ticket, status=Status.RESOLVED, by=agent
    )


def test_the_requester_rates_on_the_page_then_changes_it(
    page, live_server, requester, resolved, artifacts_dir
):
    sign_in(page, live_server.url, requester)
    page.goto(f"{live_server.url}/tickets/{resolved.pk}/")
    card = page.locator("section.satisfaction")
    card.get_by_label("아쉬워요").check()
    card.get_by_label("의견 (선택)").fill("두 번 방문하셔야 했어요.")
    card.get_by_role("button", name="평가 보내기").click()
    expect(page.get_by_text("평가 “아쉬워요”를 저장했습니다")).to_be_visible()
    expect(card).to_contain_text("두 번 방문하셔야 했어요.")
    assert horizontal_overflow(page) == 0
    page.screenshot(path=str(artifacts_dir / "satisfaction-page.png"), full_page=True)

    card.get_by_text("평가 바꾸기").click()
    card.get_by_label("좋아요").check()
    card.get_by_role("button", name="평가 보내기").click()
    expect(card.locator("strong")).to_have_text("좋아요")
    assert SatisfactionRating.objects.get().rating == "good"


def test_the_link_page_confirms_before_saving(
    page, live_server, resolved, requester, artifacts_dir
):
    token = satisfaction_token(ticket=resolved, rating="good")
    page.goto(live_server.url + reverse("tickets:satisfaction_link", args=[token]))
    expect(page.get_by_role("heading", name="도움 평가하기")).to_be_visible()
    expect(page.get_by_label("좋아요")).to_be_checked()
    assert not SatisfactionRating.objects.exists()
    page.get_by_label("의견 (선택)").fill("빨리 와 주셨어요.")
    page.screenshot(path=str(artifacts_dir / "satisfaction-link.png"), full_page=True)
    page.get_by_role("button", name="평가 보내기").click()
    expect(page).to_have_url(re.compile(r"/satisfaction/thanks/$"))
    expect(page.get_by_text("의견을 보내 주셔서 감사합니다")).to_be_visible()
    rating = SatisfactionRating.objects.get()
    assert (rating.rating, rating.comment, rating.requester) == (
        "good",
        "빨리 와 주셨어요.",
        requester,
    )
