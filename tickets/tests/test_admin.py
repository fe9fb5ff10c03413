"""The admin changes tickets only through the services and the status rules."""

import pytest
from django.urls import reverse
from django.utils import translation

from tickets import services
from tickets.models import (
    Category,
    EventKind,
    Status,
    Ticket,
    TicketCC,
    TicketFollower,
)

from .adminforms import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def change_url(ticket):
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def form_data(client, ticket, **changes):
    """What the change form would post unchanged, plus `changes`."""
    return admin_form_data(client, change_url(ticket), **changes)


def test_changelist_filters_and_search(admin_client, ticket, make_ticket, agent):
    make_ticket(title="프린터 고장", status=Status.CLOSED, agent=agent)
    url = reverse("admin:tickets_ticket_changelist")
    assert admin_client.get(url).status_code == 200
    response = admin_client.get(url, {"status__exact": "new"})
    assert list(response.context["cl"].result_list) == [ticket]
    response = admin_client.get(url, {"q": ticket.reference})
    assert list(response.context["cl"].result_list) == [ticket]
    response = admin_client.get(url, {"q": "와이파이"})
    assert list(response.context["cl"].result_list) == [ticket]


def test_change_page_shows_history_and_notes_read_only(admin_client, ticket, agent):
    services.ticket_reply(
        ticket=ticket, by=agent, body="내부 메모입니다", internal=True
    )
    response = admin_client.get(change_url(ticket))
    content = response.content.decode()
    assert "내부 메모입니다" in content
    with translation.override("ko"):  # the admin speaks Korean by default
        assert str(EventKind.INTERNAL_NOTE.label) in content  # the history row's kind
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission
        assert not inline.has_change_permission
        assert not inline.has_delete_permission


def test_change_page_lists_the_ccs_and_followers_read_only(
    admin_client, ticket, agent, requester, other_requester
):
    services.ticket_cc_add(ticket=ticket, person=other_requester, by=requester)
    services.ticket_follow(ticket=ticket, by=agent)
    response = admin_client.get(change_url(ticket))
    inlines = {
        inline.opts.model: inline
        for inline in response.context["inline_admin_formsets"]
    }
    shown = {
        model: [form.original for form in inlines[model]]
        for model in (TicketCC, TicketFollower)
    }
    assert [cc.user for cc in shown[TicketCC]] == [other_requester]
    assert shown[TicketCC][0].added_by == requester
    assert [follower.user for follower in shown[TicketFollower]] == [agent]
    content = response.content.decode()
    assert str(other_requester) in content
    assert str(agent) in content
    for model in (TicketCC, TicketFollower):  # the services write them, not the admin
        assert not inlines[model].has_add_permission
        assert not inlines[model].has_change_permission
        assert not inlines[model].has_delete_permission


def test_status_change_in_admin_goes_through_the_service(
    admin_client, admin_user, ticket, notify_calls
):
    response = admin_client.post(
        change_url(ticket), form_data(admin_client, ticket, status="waiting")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == ("waiting", 2)
    event = ticket.events.last()
    assert (event.kind, event.actor, event.new_value) == (
        "status_changed",
        admin_user,
        "waiting",
    )
    assert [c["kind"] for c in notify_calls] == ["status_changed"]


def test_several_admin_changes_are_one_version_with_history(
    admin_client, ticket, agent, email_category
):
    data = form_data(
        admin_client,
        ticket,
        priority="urgent",
        category=email_category.pk,
        assignee=agent.pk,
        title="와이파이 전면 장애",
    )
    assert admin_client.post(change_url(ticket), data).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.category, ticket.assignee) == (
        "urgent",
        email_category,
        agent,
    )
    assert ticket.title == "와이파이 전면 장애"
    assert set(ticket.events.values_list("kind", flat=True)) >= {
        "priority_changed",
        "category_changed",
        "assigned",
        "status_changed",
        "details_changed",
    }


def test_forbidden_transition_is_a_form_error(admin_client, make_ticket, agent):
    ticket = make_ticket(status=Status.CLOSED, agent=agent)
    response = admin_client.post(
        change_url(ticket), form_data(admin_client, ticket, status="resolved")
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_assigning_to_requester_is_a_form_error(admin_client, ticket, other_requester):
    response = admin_client.post(
        change_url(ticket), form_data(admin_client, ticket, assignee=other_requester.pk)
    )
    assert response.status_code == 200
    assert "assignee" in response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.assignee is None and ticket.events.count() == 1


def test_add_ticket_in_admin_uses_the_service(
    admin_client, admin_user, requester, network, notify_calls
):
    response = admin_client.post(
        reverse("admin:tickets_ticket_add"),
        {
            "requester": requester.pk,
            "title": "방문 접수: 노트북 부팅 불가",
            "description": "",
            "category": network.pk,
            "priority": "high",
            "location": "",
            "contact_phone": "010-0000-0000",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.requester == requester
    assert "노트" in ticket.search_bigrams.split()
    event = ticket.events.get()
    assert (event.kind, event.actor) == ("created", admin_user)
    assert [c["kind"] for c in notify_calls] == ["ticket_created"]


def test_add_ticket_for_an_agent_is_refused(admin_client, other_agent, network):
    response = admin_client.post(
        reverse("admin:tickets_ticket_add"),
        {
            "requester": other_agent.pk,
            "title": "x",
            "category": network.pk,
            "priority": "low",
        },
    )
    assert response.status_code == 200
    assert "requester" in response.context["adminform"].form.errors
    assert not Ticket.objects.exists()


def test_close_action_uses_the_service_and_reports_refusals(
    admin_client, admin_user, make_ticket, agent
):
    open_ticket = make_ticket()
    closed = make_ticket(status=Status.CLOSED, agent=agent)
    response = admin_client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "close_selected", "_selected_action": [open_ticket.pk, closed.pk]},
        follow=True,
    )
    assert response.status_code == 200
    open_ticket.refresh_from_db()
    assert open_ticket.status == Status.CLOSED
    assert open_ticket.events.last().actor == admin_user
    texts = [str(m) for m in response.context["messages"]]
    assert any(closed.reference in text for text in texts)


def test_assign_to_me_action(admin_client, admin_user, ticket):
    admin_client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "assign_to_me", "_selected_action": [ticket.pk]},
    )
    ticket.refresh_from_db()
    assert ticket.assignee == admin_user
    assert ticket.status == Status.IN_PROGRESS


def test_tickets_cannot_be_deleted_in_admin(admin_client, ticket):
    url = reverse("admin:tickets_ticket_delete", args=[ticket.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_agents_do_not_reach_the_admin(client, agent, ticket):
    client.force_login(agent)
    response = client.get(change_url(ticket))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_category_admin(admin_client, agent):
    url = reverse("admin:tickets_category_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    inline = "notification_agents"
    response = admin_client.post(
        reverse("admin:tickets_category_add"),
        {
            "slug": "lab",
            "name_ko": "실습실",
            "name_en": "Labs",
            "is_active": "on",
            "sort_order": 9,
            f"{inline}-TOTAL_FORMS": "1",
            f"{inline}-INITIAL_FORMS": "0",
            f"{inline}-0-agent": str(agent.pk),
        },
    )
    assert response.status_code == 302
    category = Category.objects.get(slug="lab")
    assert category.name_ko == "실습실"
    # The agents named on the category page get its new tickets.
    assert list(category.notification_agents.values_list("agent", flat=True)) == [
        agent.pk
    ]
