"""Saved views: queue filters under a name, personal or shared (issue 20)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from tickets import selectors, services
from tickets.models import SavedView, Status

pytestmark = pytest.mark.django_db


def tabs(response) -> dict[str, dict]:
    return {tab["view"].name: tab for tab in response.context["view"].saved_view_tabs}


# --- Normalising the queue's query ------------------------------------------------------


@pytest.mark.parametrize(
    "query, stored",
    [
        ("", "status=open"),
        ("status=open&cursor=abc&page_size=100", "status=open"),
        ("priority=urgent,high&status=new", "status=new&priority=urgent%2Chigh"),
        ("tag=+vpn++문의+&status=all", "status=all&tag=vpn+%EB%AC%B8%EC%9D%98"),
        ("assignee=me&ordering=-updated_at", "status=open&assignee=me"),
        (
            "q=+프린터+&ordering=priority",
            "q=%ED%94%84%EB%A6%B0%ED%84%B0&status=open&ordering=priority",
        ),
    ],
)
def test_the_query_is_normalised_by_the_queue_filter_form(agent, query, stored):
    assert services.saved_view_query_normalize(user=agent, query=query) == stored


@pytest.mark.parametrize(
    "query", ["status=nope", "priority=x", "assignee=someone", "ordering=sideways"]
)
def test_a_bad_filter_is_refused_on_the_query(agent, query):
    with pytest.raises(ValidationError) as caught:
        services.saved_view_query_normalize(user=agent, query=query)
    assert "query" in caught.value.error_dict


# --- Services ----------------------------------------------------------------------------


def test_create_rename_share_and_delete(agent):
    view = services.saved_view_create(
        by=agent, name="  긴급  건 ", query="priority=urgent"
    )
    assert (view.name, view.query, view.shared) == (
        "긴급 건",
        "status=open&priority=urgent",
        False,
    )
    version = selectors.ticket_data_version()
    services.saved_view_update(view=view, by=agent, name="긴급", shared=True)
    view.refresh_from_db()
    assert (view.name, view.shared) == ("긴급", True)
    assert selectors.ticket_data_version() > version  # the tabs are cached
    services.saved_view_delete(view=view, by=agent)
    assert not SavedView.objects.exists()


def test_names_are_unique_per_owner_whatever_the_case(agent, other_agent):
    services.saved_view_create(by=agent, name="VPN", query="")
    with pytest.raises(ValidationError) as caught:
        services.saved_view_create(by=agent, name="vpn", query="status=all")
    assert caught.value.error_dict["name"][0].code == "duplicate"
    services.saved_view_create(by=other_agent, name="VPN", query="")  # theirs
    assert SavedView.objects.count() == 2


def test_bad_input_is_refused_and_nothing_is_saved(agent):
    with pytest.raises(ValidationError) as caught:
        services.saved_view_create(by=agent, name="", query="status=nope")
    assert set(caught.value.error_dict) == {"name"}
    with pytest.raises(ValidationError) as caught:
        services.saved_view_create(by=agent, name="보기", query="status=nope")
    assert set(caught.value.error_dict) == {"query"}
    assert not SavedView.objects.exists()


def test_requesters_cannot_save_views(requester):
    with pytest.raises(PermissionDenied):
        services.saved_view_create(by=requester, name="내 보기", query="")


def test_shared_views_are_changed_by_their_owner_or_an_admin(
    agent, other_agent, admin_user
):
    shared = services.saved_view_create(by=agent, name="팀", query="", shared=True)
    personal = services.saved_view_create(by=agent, name="나만", query="")
    with pytest.raises(PermissionDenied):
        services.saved_view_update(view=shared, by=other_agent, name="바꿈")
    services.saved_view_update(view=shared, by=admin_user, name="팀 보기")
    with pytest.raises(PermissionDenied):
        services.saved_view_delete(view=personal, by=admin_user)
    assert list(selectors.saved_view_list(user=other_agent)) == [shared]
    assert set(selectors.saved_view_list(user=agent)) == {shared, personal}


# --- Counts ------------------------------------------------------------------------------


def test_counts_per_view_one_query_at_most_each(
    agent, other_agent, make_ticket, django_assert_max_num_queries
):
    for index in range(3):
        ticket = make_ticket()
        if index:
            services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
    urgent = make_ticket(priority="urgent", by=agent)
    services.ticket_tags_set(ticket=urgent, by=agent, tags=["VPN"])
    views = [
        services.saved_view_create(by=agent, name="열림", query=""),
        services.saved_view_create(by=agent, name="내 것", query="assignee=me"),
        services.saved_view_create(by=agent, name="VPN", query="tag=vpn"),
        services.saved_view_create(by=agent, name="새", query="status=new"),
    ]
    # the status counters once (for the status-only views), then one COUNT
    # for each of the two views that filter by more than status
    with django_assert_max_num_queries(3):
        counts = selectors.saved_view_counts(user=agent, views=views)
    assert [counts[view.pk] for view in views] == [4, 2, 1, 2]
    # "me" is whoever looks: the same shared filter counts per viewer
    assert selectors.saved_view_counts(user=other_agent, views=views[1:2]) == {
        views[1].pk: 0
    }


# --- Pages ----------------------------------------------------------------------------------


def test_save_this_view_from_the_queue(client, agent, make_ticket):
    make_ticket(priority="urgent", by=agent)
    client.force_login(agent)
    answer = client.post(
        reverse("tickets:saved_views"),
        {"name": "급한 것", "shared": "on", "query": "priority=urgent&cursor=x"},
    )
    view = SavedView.objects.get()
    assert (view.owner, view.shared, view.query) == (
        agent,
        True,
        "status=open&priority=urgent",
    )
    assert answer.status_code == 302
    assert answer.url == f"{reverse('tickets:queue')}?{view.query}"
    page = client.get(answer.url)
    tab = tabs(page)["급한 것"]
    assert tab["count"] == 1 and tab["current"]
    assert "급한 것" in page.content.decode()


def test_saving_with_bad_filters_says_why_and_saves_nothing(client, agent):
    client.force_login(agent)
    answer = client.post(
        reverse("tickets:saved_views"),
        {"name": "잘못", "query": "status=nope"},
        follow=True,
    )
    assert not SavedView.objects.exists()
    errors = [m for m in answer.context["messages"] if m.level_tag == "error"]
    assert errors


def test_the_team_sees_shared_tabs_not_personal_ones(
    client, agent, other_agent, make_ticket
):
    make_ticket()
    services.saved_view_create(by=agent, name="공유", query="", shared=True)
    services.saved_view_create(by=agent, name="개인", query="status=all")
    client.force_login(other_agent)
    assert set(tabs(client.get(reverse("tickets:queue")))) == {"공유"}
    client.force_login(agent)
    assert set(tabs(client.get(reverse("tickets:queue")))) == {"공유", "개인"}


@override_settings(TICKET_CACHE=True)
def test_tab_counts_are_never_stale(client, agent, make_ticket):
    services.saved_view_create(by=agent, name="새 티켓", query="status=new")
    services.saved_view_create(by=agent, name="VPN", query="tag=VPN&status=all")
    ticket = make_ticket()
    client.force_login(agent)
    counts = lambda: {  # noqa: E731
        name: tab["count"]
        for name, tab in tabs(client.get(reverse("tickets:queue"))).items()
    }
    assert counts() == {"새 티켓": 1, "VPN": 0}
    services.ticket_tags_set(ticket=ticket, by=agent, tags=["vpn"])
    services.ticket_status_change(ticket=ticket, status=Status.WAITING, by=agent)
    assert counts() == {"새 티켓": 0, "VPN": 1}


@override_settings(TICKET_CACHE=True)
def test_a_new_view_shows_on_the_cached_queue_at_once(client, agent):
    client.force_login(agent)
    assert "내 보기" not in client.get(reverse("tickets:queue")).content.decode()
    client.post(reverse("tickets:saved_views"), {"name": "내 보기", "query": ""})
    assert "내 보기" in client.get(reverse("tickets:queue")).content.decode()


@override_settings(TICKET_CACHE=True)
def test_tab_counts_cost_no_query_on_a_cached_queue(
    client, agent, make_ticket, django_assert_num_queries
):
    make_ticket()
    services.saved_view_create(by=agent, name="내 것", query="assignee=me")
    client.force_login(agent)
    client.get(reverse("tickets:queue"))
    # session, user, the version, the fragment, the badge: as without views
    with django_assert_num_queries(5) as captured:
        client.get(reverse("tickets:queue"))
    assert not any("tickets_savedview" in q["sql"] for q in captured.captured_queries)


def test_rename_and_delete_from_the_manage_page(client, agent):
    view = services.saved_view_create(by=agent, name="옛 이름", query="")
    client.force_login(agent)
    page = client.get(reverse("tickets:saved_views"))
    assert page.status_code == 200 and "옛 이름" in page.content.decode()
    prefix = f"view-{view.pk}"
    answer = client.post(
        reverse("tickets:saved_view_change", args=[view.pk]),
        {f"{prefix}-name": "새 이름", f"{prefix}-shared": "on"},
    )
    assert answer.status_code == 302
    view.refresh_from_db()
    assert (view.name, view.shared) == ("새 이름", True)
    bad = client.post(
        reverse("tickets:saved_view_change", args=[view.pk]), {f"{prefix}-name": ""}
    )
    assert bad.status_code == 302
    view.refresh_from_db()
    assert view.name == "새 이름"
    answer = client.post(reverse("tickets:saved_view_delete", args=[view.pk]))
    assert answer.status_code == 302
    assert not SavedView.objects.exists()


def test_others_cannot_touch_a_view(client, agent, other_agent):
    personal = services.saved_view_create(by=agent, name="개인", query="")
    shared = services.saved_view_create(by=agent, name="공유", query="", shared=True)
    client.force_login(other_agent)
    change = "tickets:saved_view_change"
    assert client.post(reverse(change, args=[personal.pk])).status_code == 404
    assert client.post(reverse(change, args=[shared.pk])).status_code == 403
    delete = "tickets:saved_view_delete"
    assert client.post(reverse(delete, args=[shared.pk])).status_code == 403
    assert SavedView.objects.count() == 2


@pytest.mark.parametrize(
    "name, method",
    [
        ("tickets:saved_views", "get"),
        ("tickets:saved_views", "post"),
        ("tickets:saved_view_change", "post"),
        ("tickets:saved_view_delete", "post"),
    ],
)
def test_requesters_get_403_on_every_saved_view_url(
    client, requester, agent, name, method
):
    view = services.saved_view_create(by=agent, name="팀", query="", shared=True)
    client.force_login(requester)
    args = [view.pk] if name != "tickets:saved_views" else []
    answer = getattr(client, method)(reverse(name, args=args), {"name": "x"})
    assert answer.status_code == 403
    assert SavedView.objects.get().name == "팀"


@override_settings(TICKET_CACHE=True)
def test_the_cached_queues_save_form_posts_with_this_answers_token(agent):
    import re

    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    url = reverse("tickets:queue") + "?priority=high"
    browser.get(url)
    html = browser.get(url).content.decode()  # from the cache
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)" form="save-view-form"', html
    ).group(1)
    answer = browser.post(
        reverse("tickets:saved_views"),
        {"name": "높음", "query": "priority=high", "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302
    assert SavedView.objects.get().query == "status=open&priority=high"
