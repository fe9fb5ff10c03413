"""The staff pages show due times; requesters' pages show nothing of them."""

import pytest

from tickets import services
from tickets.models import Priority

from .conftest import seoul

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(frozen, requester, network):
    """On Monday 30 November 2026 at 13:30 in Seoul: one overdue (high, first
    response due 13:00), one due soon (high, due 14:00, warning from 13:12) and
    one on time (medium, first response due Tuesday 10:00)."""
    frozen(seoul(2026, 11, 30, 9))
    late = services.ticket_create(
        by=requester, title="늦은 건", category=network, priority=Priority.HIGH
    )
    frozen(seoul(2026, 11, 30, 10))
    soon = services.ticket_create(
        by=requester, title="곧 마감 건", category=network, priority=Priority.HIGH
    )
    fine = services.ticket_create(
        by=requester, title="여유 있는 건", category=network, priority=Priority.MEDIUM
    )
    frozen(seoul(2026, 11, 30, 13, 30))
    return late, soon, fine


def test_the_queue_shows_the_working_time_left_and_overdue_in_words(
    client, agent, three
):
    client.force_login(agent)
    text = client.get("/queue/").text
    assert "30분 남음" in text  # due soon: 14:00
    assert "5시간 남음" in text  # 13:30 → 18:00, then Tuesday 09:00 → 10:00
    assert '<strong class="overdue">기한 초과</strong>' in text


def test_the_english_queue_says_h_left(client, agent, three):
    agent.language = "en"
    agent.save()
    client.force_login(agent)
    text = client.get("/queue/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "5 h left" in text and "30 min left" in text


@pytest.mark.parametrize(
    ("state", "shown", "hidden"),
    [
        ("warning", ["곧 마감 건"], ["늦은 건", "여유 있는 건"]),
        ("breached", ["늦은 건"], ["곧 마감 건", "여유 있는 건"]),
    ],
)
def test_the_due_soon_and_overdue_tabs_filter(
    client, agent, three, state, shown, hidden
):
    client.force_login(agent)
    text = client.get(f"/queue/?sla_state={state}").text
    for title in shown:
        assert title in text
    for title in hidden:
        assert title not in text
    assert (
        'aria-current="page">곧 기한 초과</a>'
        in client.get("/queue/?sla_state=warning").text
    )


def test_the_queue_sorts_by_due_time(client, agent, three):
    client.force_login(agent)
    text = client.get("/queue/?ordering=resolution_due_at").text
    positions = [
        text.index(title) for title in ("늦은 건", "곧 마감 건", "여유 있는 건")
    ]
    assert positions == sorted(positions)
    text = client.get("/queue/?ordering=-resolution_due_at").text
    positions = [
        text.index(title) for title in ("여유 있는 건", "곧 마감 건", "늦은 건")
    ]
    assert positions == sorted(positions)
    assert 'value="resolution_due_at"' in text  # the "Sort by" menu offers it


def test_the_staff_ticket_page_shows_both_targets(client, agent, three):
    late, _soon, fine = three
    client.force_login(agent)
    text = client.get(f"/tickets/{fine.pk}/").text
    assert "첫 응답 기한" in text and "해결 기한" in text
    assert "5시간 남음" in text
    text = client.get(f"/tickets/{late.pk}/").text
    assert '<strong class="overdue">기한 초과</strong>' in text


def test_requesters_see_nothing_of_service_levels(client, requester, three):
    late, _soon, _fine = three
    client.force_login(requester)
    pages = [
        client.get("/tickets/"),
        client.get("/tickets/?ordering=resolution_due_at"),
        client.get(f"/tickets/{late.pk}/"),
    ]
    for page in pages:
        assert page.status_code == 200
        for word in ("기한", "남음", "서비스 수준", 'value="resolution_due_at"'):
            assert word not in page.text
    # Asked to sort by due time, their list keeps its own order (newest first).
    text = pages[1].text
    assert text.index("여유 있는 건") < text.index("늦은 건")


def test_an_unknown_due_filter_is_a_clear_error_not_a_crash(client, agent, three):
    client.force_login(agent)
    response = client.get("/queue/?sla_state=late")
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert "늦은 건" not in response.text
