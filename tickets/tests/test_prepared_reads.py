"""The pages' fixed-shape reads, compiled once (servicedesk.prepared), read what
the scoped querysets read: the same rows for every kind of viewer."""

import pytest
from django.contrib.auth.models import AnonymousUser

from notifications.services import _BADGE_UNREAD, unread_badge_count, unread_for_badge
from tickets import selectors, services
from tickets.models import Status, Ticket


@pytest.fixture
def busy_ticket(make_ticket, requester, agent):
    ticket = make_ticket(title="프린터 고장", description="출력이 안 됩니다.")
    services.ticket_reply(ticket=ticket, by=agent, body="확인 중입니다.")
    services.ticket_reply(ticket=ticket, by=agent, body="내부 메모", internal=True)
    services.ticket_reply(ticket=ticket, by=requester, body="감사합니다.")
    services.ticket_status_change(ticket=ticket, status=Status.WAITING, by=agent)
    return ticket


def _orm_comments(user, ticket):
    return list(
        selectors.comment_list(user=user, ticket=ticket).values_list(
            *selectors._COMMENT_FIELDS
        )
    )


def _orm_events(user, ticket):
    return list(
        selectors.event_list(user=user, ticket=ticket).values_list(
            *selectors._EVENT_FIELDS
        )
    )


@pytest.mark.parametrize(
    "viewer", ["agent", "admin_user", "requester", "other_requester", "inactive"]
)
def test_comments_and_history_are_the_scoped_querysets_rows(
    viewer, busy_ticket, request, requester
):
    if viewer == "inactive":
        requester.is_active = False
        user = requester
    else:
        user = request.getfixturevalue(viewer)
    shape = selectors.viewer_shape(user)
    comments = selectors._COMMENT_VALUES(busy_ticket.pk, user.pk, **shape)
    events = selectors._EVENT_VALUES(busy_ticket.pk, user.pk, **shape)
    assert comments == _orm_comments(user, busy_ticket)
    assert events == _orm_events(user, busy_ticket)
    if viewer in ("other_requester", "inactive"):
        assert comments == [] and events == []


def test_a_requester_never_reads_an_internal_note(busy_ticket, requester, agent):
    staff_bodies = [
        row.body for row in selectors.comment_rows(user=agent, ticket=busy_ticket)
    ]
    own_bodies = [
        row.body for row in selectors.comment_rows(user=requester, ticket=busy_ticket)
    ]
    assert "내부 메모" in staff_bodies
    assert "내부 메모" not in own_bodies
    assert own_bodies == ["확인 중입니다.", "감사합니다."]
    assert not any(
        row.internal for row in selectors.event_rows(user=requester, ticket=busy_ticket)
    )


def test_an_anonymous_visitor_reads_nothing(busy_ticket, django_assert_num_queries):
    anonymous = AnonymousUser()
    with django_assert_num_queries(0):
        assert selectors.comment_rows(user=anonymous, ticket=busy_ticket) == []
        assert selectors.event_rows(user=anonymous, ticket=busy_ticket) == []


def test_the_pages_reads_are_prepared(busy_ticket, agent, requester):
    for user in (agent, requester):
        shape = selectors.viewer_shape(user)
        assert selectors._COMMENT_VALUES.is_prepared(**shape)
        assert selectors._EVENT_VALUES.is_prepared(**shape)
    assert selectors._STAFF_VALUES.is_prepared()
    assert selectors._CATEGORY_VALUES.is_prepared(active=True)
    assert selectors._CATEGORY_VALUES.is_prepared(active=False)
    assert _BADGE_UNREAD.is_prepared()


def test_staff_and_categories_are_read_in_menu_order(agent, other_agent, admin_user):
    staff = selectors.staff_rows()
    assert [person.pk for person in staff] == list(
        selectors.User.objects.staff()
        .order_by("name", "email")
        .values_list("pk", flat=True)
    )
    categories = selectors.category_rows()
    assert [c.slug for c in categories] == list(
        selectors.Category.objects.values_list("slug", flat=True)
    )


def test_inactive_categories_stay_out_of_the_active_menu(network, email_category):
    email_category.is_active = False
    email_category.save()
    assert "email" not in [c.slug for c in selectors.category_rows(active_only=True)]
    assert "email" in [c.slug for c in selectors.category_rows()]


def test_the_badge_count_is_the_querysets(busy_ticket, agent, requester):
    for user in (agent, requester):
        assert unread_badge_count(user=user) == unread_for_badge(user).count()


@pytest.mark.parametrize("ordering", list(selectors.TICKET_ORDERINGS))
def test_list_rows_are_prepared_and_in_order_for_every_ordering(
    ordering, make_ticket, agent
):
    for index in range(3):
        make_ticket(title=f"정렬 {index}", priority=["low", "high", "medium"][index])
    keys = selectors.TICKET_ORDERINGS[ordering]
    with_rank = "priority_rank" in {key.lstrip("-") for key in keys}
    visible = Ticket.objects.visible_to(agent)
    rows, more = selectors.ticket_keyset_page(visible, ordering=ordering, size=2)
    expected = selectors.with_priority_rank(visible).order_by(*keys)
    assert [row.pk for row in rows] == list(expected.values_list("pk", flat=True)[:2])
    assert more
    assert rows[0].requester.email == expected.first().requester.email
    assert selectors._PAGE_ROWS.is_prepared(keys=keys, with_rank=with_rank)


def test_an_empty_page_reads_no_rows(agent, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows, more = selectors.ticket_keyset_page(
            Ticket.objects.visible_to(agent), ordering="-updated_at", size=50
        )
    assert (rows, more) == ([], False)
