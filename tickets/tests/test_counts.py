"""Status counts kept by the services, and the data version cache keys use."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from tickets import selectors, services
from tickets.models import Status, Ticket


def counted_by_table() -> dict[str, int]:
    counts = dict.fromkeys(Status.values, 0)
    counts.update(
        Ticket.objects.order_by().values_list("status").annotate(n=Count("id"))
    )
    return counts


def test_staff_counts_follow_every_kind_of_status_change(make_ticket, agent, requester):
    first, second, third = make_ticket(), make_ticket(), make_ticket()
    assert selectors.ticket_counts(user=agent)[Status.NEW] == 3
    services.ticket_reply(ticket=first, by=agent, body="확인했습니다.")
    services.ticket_assign(ticket=second, assignee=agent, by=agent)
    services.ticket_status_change(ticket=third, status=Status.RESOLVED, by=agent)
    services.ticket_close(ticket=first, by=requester)
    services.ticket_reopen(ticket=first, by=agent)
    counts = selectors.ticket_counts(user=agent)
    assert counts == counted_by_table()
    assert counts == {
        Status.NEW: 0,
        Status.IN_PROGRESS: 2,
        Status.WAITING: 0,
        Status.RESOLVED: 1,
        Status.CLOSED: 0,
    }


def test_auto_close_moves_the_counts(make_ticket, agent):
    ticket = make_ticket(status=Status.RESOLVED, agent=agent)
    services.tickets_auto_close(now=timezone.now() + timedelta(days=30))
    assert selectors.ticket_counts(user=agent)[Status.CLOSED] == 1
    assert selectors.ticket_counts(user=agent) == counted_by_table()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_a_refused_change_leaves_the_counts_alone(make_ticket, agent, requester):
    ticket = make_ticket()
    before = selectors.ticket_counts(user=agent)
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do
        services.ticket_status_change(
            ticket=ticket, status=Status.WAITING, by=requester
        )
    assert selectors.ticket_counts(user=agent) == before


def test_requester_counts_cover_their_own_tickets_only(
    make_ticket, requester, other_requester, agent
):
    make_ticket()
    make_ticket(requester=other_requester)
    make_ticket(requester=other_requester)
    assert selectors.ticket_counts(user=requester)[Status.NEW] == 1
    assert selectors.ticket_counts(user=other_requester)[Status.NEW] == 2
    assert selectors.ticket_counts(user=agent)[Status.NEW] == 3


def test_staff_counts_read_one_small_table(
    make_ticket, agent, django_assert_num_queries
):
    for _ in range(5):
        make_ticket()
    with django_assert_num_queries(1) as captured:
        assert selectors.ticket_counts(user=agent)[Status.NEW] == 5
    assert 'tickets_ticket"' not in captured.captured_queries[0]["sql"]


def test_every_change_through_the_services_grows_the_version(
    make_ticket, agent, requester, network
):
    seen = [selectors.ticket_data_version()]

    def grew():
        seen.append(selectors.ticket_data_version())
        return seen[-1] > seen[-2]

    ticket = make_ticket()
    assert grew()
    services.ticket_reply(ticket=ticket, by=requester, body="아직 안 됩니다.")
    assert grew()
    services.ticket_reply(ticket=ticket, by=agent, body="메모", internal=True)
    assert grew()
    services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
    assert grew()
    services.ticket_update(ticket=ticket, by=agent, priority="high")
    assert grew()
    services.ticket_details_update(ticket=ticket, by=agent, title="새 제목")
    assert grew()
    services.ticket_event_record(ticket=ticket, kind="attachment_added", by=agent)
    assert grew()
    services.ticket_close(ticket=ticket, by=requester)
    assert grew()
