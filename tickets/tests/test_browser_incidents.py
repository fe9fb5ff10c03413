"""The outage notice banner in a real browser (headless Chromium), on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tickets.models import IncidentSubscriber
from tickets.services import incidents as incident_services
from tickets.tests.test_browser import horizontal_overflow, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_the_banner_on_a_phone_counts_me_too_without_a_ticket(
    page, live_server, requester, agent, network, artifacts_dir
):
    incident = incident_services.incident_create(
        by=agent,
        title="학내 와이파이 장애",
        message="공학관과 도서관에서 와이파이 연결이 끊깁니다. 복구 중입니다.",
        category=network,
        locations="공학관, 중앙도서관",
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, requester)
    banner = page.get_by_role("region", name="장애 공지")
    expect(banner).to_contain_text("학내 와이파이 장애")
    expect(banner).to_contain_text("원인 조사 중")
    page.get_by_role("link", name="새 티켓").first.click()
    expect(page).to_have_url(re.compile(r"/tickets/new/$"))
    assert horizontal_overflow(page) == 0

    banner.get_by_role("button", name=re.compile("나도 같은 문제")).click()
    expect(page).to_have_url(re.compile(r"/tickets/new/$"))  # back on the form
    expect(banner.get_by_role("button", name=re.compile("등록됨"))).to_be_disabled()
    expect(page.get_by_role("status")).to_contain_text("해결되면 알려 드리겠습니다")
    assert IncidentSubscriber.objects.filter(incident=incident, user=requester).exists()
    assert horizontal_overflow(page) == 0
    page.screenshot(path=str(artifacts_dir / "incident-banner-390.png"), full_page=True)


def test_staff_link_searched_tickets_and_resolve_them(
    page, live_server, agent, requester, network, make_ticket, artifacts_dir
):
    incident = incident_services.incident_create(
        by=agent, title="학내 와이파이 장애", category=network
    )
    wifi = make_ticket(title="도서관 와이파이 끊김")
    make_ticket(title="프린터 용지 걸림")
    sign_in(page, live_server.url, agent)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/link/")
    page.get_by_label("검색").fill("와이파이")
    page.get_by_role("button", name="검색").click()
    expect(page.get_by_text("프린터 용지 걸림")).to_have_count(0)
    page.get_by_label(f"{wifi.reference} 선택").check()
    page.get_by_role("button", name="선택한 티켓 연결").click()
    expect(page).to_have_url(f"{live_server.url}/incidents/{incident.pk}/")
    expect(page.get_by_role("status")).to_contain_text("티켓 1개를 연결했습니다.")
    page.get_by_label("해결 안내").fill("AP를 교체해 복구했습니다.")
    page.get_by_role("button", name="해결하고 연결된 티켓에 답변").click()
    expect(page.get_by_role("status")).to_contain_text("티켓 1개에 답변하고")
    page.screenshot(path=str(artifacts_dir / "incident-resolved.png"), full_page=True)
    page.goto(f"{live_server.url}/tickets/{wifi.pk}/")
    expect(page.get_by_text("AP를 교체해 복구했습니다.")).to_be_visible()
