"""The agent's flows of issue 16 in a real browser, at 1280 px and at 390 px.

Stale edits, "send and mark resolved", one-click "assign to me", bulk "in
progress", the queue's total, sorting and search, the requester's other
tickets. Korean pages, controls found by their labels.
"""

import re

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.models import Priority, Status, Ticket
from tickets.tests.factories import CategoryFactory
from tickets.tests.test_browser import horizontal_overflow, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {
    "1280": {"width": 1280, "height": 900},
    "390": {"width": 390, "height": 844},
}


@pytest.fixture(params=list(VIEWPORTS))
def width(request):
    return request.param


@pytest.fixture
def category(db):
    return CategoryFactory(slug="hardware", name_ko="하드웨어", name_en="Hardware")


@pytest.fixture
def agent_page(browser, live_server, agent, width):
    context = browser.new_context(viewport=VIEWPORTS[width])
    page = context.new_page()
    sign_in(page, live_server.url, agent)
    yield page
    context.close()


def open_ticket(requester, category, title="강의실 빔프로젝터 고장", **fields):
    return services.ticket_create(
        by=requester, title=title, category=category, **fields
    )


def shot(page, artifacts_dir, name, width):
    assert horizontal_overflow(page) == 0
    page.screenshot(
        path=str(artifacts_dir / f"agent-{name}-{width}.png"), full_page=True
    )


def test_a_stale_edit_says_someone_else_changed_the_ticket(
    agent_page,
    browser,
    live_server,
    requester,
    other_agent,
    category,
    width,
    artifacts_dir,
):
    ticket = open_ticket(requester, category)
    url = f"{live_server.url}/tickets/{ticket.pk}/"
    agent_page.goto(url)
    # The other agent takes the ticket meanwhile, in their own browser.
    other = browser.new_context(viewport=VIEWPORTS[width])
    other_page = other.new_page()
    sign_in(other_page, live_server.url, other_agent)
    other_page.goto(url)
    manage = other_page.locator("#manage")
    manage.get_by_label("상태").select_option("in_progress")
    manage.get_by_role("button", name="변경 저장").click()
    expect(other_page.locator(".tags")).to_contain_text("처리 중")
    other.close()

    manage = agent_page.locator("#manage")
    manage.get_by_label("우선순위").select_option("high")
    manage.get_by_role("button", name="변경 저장").click()
    expect(agent_page.get_by_text("다른 사람이 이 티켓을 변경했습니다")).to_be_visible()
    expect(agent_page.get_by_text("선택가능항목")).to_have_count(0)
    # The page shows the ticket as it is now; the change is kept in the form.
    expect(agent_page.locator(".tags")).to_contain_text("처리 중")
    expect(manage.get_by_label("우선순위")).to_have_value("high")
    shot(agent_page, artifacts_dir, "stale-edit", width)
    manage.get_by_role("button", name="변경 저장").click()
    expect(agent_page.locator(".tags")).to_contain_text("높음")
    assert Ticket.objects.get().priority == Priority.HIGH


def test_send_and_mark_resolved_in_one_submit(
    agent_page, live_server, requester, category, width, artifacts_dir
):
    ticket = open_ticket(requester, category)
    agent_page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    agent_page.get_by_label("내용").fill(
        "램프를 교체했습니다. 다시 안 되면 알려 주세요."
    )
    agent_page.get_by_role("button", name="보내고 해결됨으로").click()
    expect(
        agent_page.get_by_text("답변을 보냈습니다. 티켓은 이제 “해결됨” 상태입니다.")
    ).to_be_visible()
    expect(agent_page.locator(".tags")).to_contain_text("해결됨")
    expect(agent_page.get_by_text("램프를 교체했습니다.")).to_be_visible()
    # Resolved now: "send and mark resolved" is gone, "waiting" is offered.
    expect(agent_page.get_by_role("button", name="보내고 해결됨으로")).to_have_count(0)
    expect(agent_page.get_by_role("button", name="보내고 대기 중으로")).to_be_visible()
    shot(agent_page, artifacts_dir, "send-and-resolve", width)
    assert Ticket.objects.get().status == Status.RESOLVED


def test_assign_to_me_in_one_click_from_the_queue(
    agent_page, live_server, requester, agent, category, width, artifacts_dir
):
    ticket = open_ticket(requester, category, title="모니터 깜빡임")
    agent_page.goto(live_server.url + "/queue/")
    agent_page.get_by_role("button", name=f"{ticket.reference} 나에게 배정").click()
    expect(agent_page).to_have_url(re.compile(r"/queue/"))
    expect(
        agent_page.get_by_text(f"{ticket.reference} 티켓이 나에게 배정되었습니다.")
    ).to_be_visible()
    row = agent_page.locator("tbody tr", has_text="모니터 깜빡임")
    expect(row).to_contain_text(agent.name)
    expect(row).to_contain_text("처리 중")
    expect(row.get_by_role("button", name=re.compile("나에게 배정"))).to_have_count(0)
    shot(agent_page, artifacts_dir, "queue-assign-me", width)
    assert Ticket.objects.get().assignee == agent


def test_bulk_in_progress_assigns_the_agent_and_the_requester_sees_who(
    agent_page,
    browser,
    live_server,
    requester,
    agent,
    category,
    width,
    artifacts_dir,
):
    for number in range(2):
        open_ticket(requester, category, title=f"일괄 처리 {number}")
    agent_page.goto(live_server.url + "/queue/")
    for checkbox in agent_page.locator('input[name="tickets"]').all():
        checkbox.check()
    agent_page.locator("#bulk-status").select_option("in_progress")
    agent_page.get_by_role("button", name="상태 변경").click()
    expect(agent_page.get_by_text("티켓 2건을 변경했습니다.")).to_be_visible()
    expect(
        agent_page.get_by_text("그중 담당자가 없던 2건은 나에게 배정했습니다.")
    ).to_be_visible()
    shot(agent_page, artifacts_dir, "bulk-in-progress", width)

    mine = browser.new_context(viewport=VIEWPORTS[width])
    page = mine.new_page()
    sign_in(page, live_server.url, requester)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    for index in range(2):
        expect(rows.nth(index)).to_contain_text("처리 중")
        expect(rows.nth(index)).to_contain_text(agent.name)
    expect(page.get_by_text("아직 배정되지 않음")).to_have_count(0)
    mine.close()


def test_the_queue_total_sorting_and_requester_search(
    agent_page,
    live_server,
    requester,
    other_requester,
    category,
    width,
    artifacts_dir,
):
    low = open_ticket(requester, category, title="낮은 문의", priority=Priority.LOW)
    high = open_ticket(
        other_requester,
        category,
        title="높은 문의",
        priority=Priority.HIGH,
        location="도서관 2층",
    )
    agent_page.goto(live_server.url + "/queue/")
    expect(agent_page.get_by_text("티켓 2건")).to_be_visible()
    titles = agent_page.locator("tbody .ticket-cell")
    if width == "1280":
        header = agent_page.get_by_role("columnheader", name="우선순위")
        expect(header).not_to_have_attribute("aria-sort", re.compile("."))
        header.get_by_role("link").click()
        expect(header).to_have_attribute("aria-sort", "descending")
        expect(titles.first).to_contain_text("높은 문의")
        header.get_by_role("link").click()
        expect(header).to_have_attribute("aria-sort", "ascending")
        expect(titles.first).to_contain_text("낮은 문의")
    else:
        # On a phone the rows are cards with no header row: the sort menu.
        agent_page.get_by_text("추가 필터와 정렬").click()
        agent_page.get_by_label("정렬").select_option("priority")
        agent_page.get_by_role("button", name="적용").click()
        expect(titles.first).to_contain_text("낮은 문의")
    # Staff find a ticket by its requester's name, e-mail or the location.
    for words, expected in [("최학생", high), ("student1", low), ("도서관", high)]:
        search = agent_page.get_by_label("검색")
        search.fill(words)
        agent_page.get_by_role("button", name="적용").click()
        expect(agent_page.get_by_text("티켓 1건")).to_be_visible()
        expect(titles).to_have_count(1)
        expect(titles.first).to_contain_text(expected.title)
    shot(agent_page, artifacts_dir, "queue-search-requester", width)


def test_the_requesters_other_tickets_beside_the_ticket(
    agent_page, live_server, requester, category, width, artifacts_dir
):
    earlier = open_ticket(requester, category, title="지난주 프린터 문의")
    ticket = open_ticket(requester, category, title="오늘 프린터 문의")
    agent_page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    panel = agent_page.get_by_role("region", name="요청자의 다른 티켓")
    expect(panel).to_contain_text("지난주 프린터 문의")
    expect(panel).not_to_contain_text("오늘 프린터 문의")
    shot(agent_page, artifacts_dir, "requester-tickets", width)
    panel.get_by_role("link", name=re.compile("지난주 프린터 문의")).click()
    expect(agent_page).to_have_url(f"{live_server.url}/tickets/{earlier.pk}/")
