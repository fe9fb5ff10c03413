"""Canned replies: placeholders, who keeps which, the API, the reply form, the cache."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings

from accounts.tests.factories import UserFactory
from tickets import services
from tickets.models import CannedReply, Comment
from tickets.services.canned import placeholders_fill

pytestmark = pytest.mark.django_db

BODY = "{{ requester_name }} 님, {{ticket_reference}} 건 확인했습니다. {{ agent_name }} 드림"


@pytest.fixture
def shared(admin_user):
    return services.canned_reply_create(
        by=admin_user, title="접수 안내", body=BODY, language="ko", shared=True
    )


@pytest.fixture
def mine(agent):
    return services.canned_reply_create(
        by=agent,
        title="재부팅 안내",
        body="Please restart, {{ requester_name }}.",
        language="en",
    )


@pytest.fixture
def theirs(other_agent):
    return services.canned_reply_create(
        by=other_agent, title="정담당 개인 메모", body="개인 문구"
    )


def api_url(canned=None, query=""):
    base = "/api/canned-replies" + (f"/{canned.pk}" if canned else "")
    return base + query


# --- Filling in placeholders -------------------------------------------------------


def test_the_three_placeholders_are_filled_with_the_tickets_people(
    ticket, agent, shared
):
    filled = services.canned_reply_fill(canned=shared, ticket=ticket, by=agent)
    assert filled == f"김학생 님, {ticket.reference} 건 확인했습니다. 이담당 드림"


def test_unknown_placeholders_and_template_tags_stay_as_typed():
    body = "{{ requester_name }} {{ requester.email }} {% debug %} {{ secret }} {{"
    values = {"requester_name": "김학생", "ticket_reference": "", "agent_name": ""}
    assert placeholders_fill(body, values) == (
        "김학생 {{ requester.email }} {% debug %} {{ secret }} {{"
    )


def test_values_are_inserted_as_text_not_read_as_placeholders_again():
    values = {
        "requester_name": "{{ agent_name }}",
        "ticket_reference": "SD-000001",
        "agent_name": "이담당",
    }
    assert placeholders_fill("{{ requester_name }}", values) == "{{ agent_name }}"


def test_a_nameless_requester_is_named_by_e_mail_to_the_agent(
    make_ticket, agent, shared
):
    nameless = UserFactory(email="nameless@school.ac.kr", name="")
    ticket = make_ticket(requester=nameless)
    filled = services.canned_reply_fill(canned=shared, ticket=ticket, by=agent)
    assert filled.startswith("nameless@school.ac.kr 님,")


# --- Who keeps which ------------------------------------------------------------------


def test_an_agent_keeps_personal_ones_only(agent, requester):
    canned = services.canned_reply_create(by=agent, title="t", body="b")
    assert canned.owner == agent and not canned.is_shared
    with pytest.raises(PermissionDenied):
        services.canned_reply_create(by=agent, title="t", body="b", shared=True)
    with pytest.raises(PermissionDenied):
        services.canned_reply_create(by=requester, title="t", body="b")
    assert CannedReply.objects.count() == 1


def test_only_the_owner_changes_a_personal_one_and_only_admins_a_shared_one(
    agent, other_agent, admin_user, mine, shared
):
    with pytest.raises(PermissionDenied):
        services.canned_reply_update(canned=mine, by=other_agent, title="x")
    with pytest.raises(PermissionDenied):
        services.canned_reply_update(canned=mine, by=admin_user, title="x")
    with pytest.raises(PermissionDenied):
        services.canned_reply_update(canned=shared, by=agent, title="x")
    with pytest.raises(PermissionDenied):
        services.canned_reply_delete(canned=shared, by=agent)
    services.canned_reply_update(canned=shared, by=admin_user, title="새 안내")
    services.canned_reply_update(canned=mine, by=agent, title="내 안내")
    assert {c.title for c in CannedReply.objects.all()} == {"새 안내", "내 안내"}


def test_bad_input_is_refused_and_changes_nothing(agent, mine):
    with pytest.raises(ValidationError) as error:
        services.canned_reply_create(by=agent, title="", body="x" * 5001)
    assert set(error.value.message_dict) == {"title", "body"}
    with pytest.raises(ValidationError):
        services.canned_reply_update(canned=mine, by=agent, language="fr")
    mine.refresh_from_db()
    assert mine.language == "en"
    assert CannedReply.objects.count() == 1


# --- API --------------------------------------------------------------------------------


def test_the_list_shows_the_shared_ones_and_the_callers_own(
    as_user, agent, shared, mine, theirs
):
    response = as_user(agent).get(api_url())
    assert response.status_code == 200
    rows = response.json()
    assert [row["title"] for row in rows] == [shared.title, mine.title]
    assert [(row["shared"], row["editable"]) for row in rows] == [
        (True, False),
        (False, True),
    ]
    assert all(row["filled"] is None for row in rows)


def test_the_list_filters_by_language_and_refuses_an_unknown_one(
    as_user, agent, shared, mine
):
    client = as_user(agent)
    anywhere = services.canned_reply_create(by=agent, title="공통", body="b")
    titles = [row["title"] for row in client.get(api_url(query="?language=en")).json()]
    assert titles == [anywhere.title, mine.title]
    response = client.get(api_url(query="?language=fr"))
    assert response.status_code == 400
    assert "language" in response.json()


def test_requesters_get_403_and_anonymous_callers_401(
    as_user, api_client, requester, shared
):
    for url in (api_url(), api_url(shared)):
        assert as_user(requester).get(url).status_code == 403
        assert api_client.get(url).status_code == 401
    response = as_user(requester).post(
        api_url(), {"title": "t", "body": "b"}, format="json"
    )
    assert response.status_code == 403
    assert CannedReply.objects.count() == 1


def test_one_canned_reply_comes_filled_in_for_a_ticket(as_user, agent, ticket, shared):
    response = as_user(agent).get(api_url(shared, f"?ticket={ticket.pk}"))
    assert response.status_code == 200
    filled = f"김학생 님, {ticket.reference} 건 확인했습니다. 이담당 드림"
    assert response.json()["filled"] == filled
    listed = as_user(agent).get(api_url(query=f"?ticket={ticket.pk}")).json()
    assert [row["filled"] for row in listed] == [filled]
    assert as_user(agent).get(api_url(shared, "?ticket=999999")).status_code == 404
    bad = as_user(agent).get(api_url(shared, "?ticket=abc"))
    assert bad.status_code == 400 and "ticket" in bad.json()


def test_someone_elses_personal_one_is_a_404(as_user, agent, admin_user, theirs):
    for user in (agent, admin_user):
        client = as_user(user)
        assert client.get(api_url(theirs)).status_code == 404
        assert (
            client.patch(api_url(theirs), {"title": "x"}, format="json").status_code
            == 404
        )
        assert client.delete(api_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "정담당 개인 메모"


@pytest.mark.parametrize("slash", ["", "/"])
def test_an_agent_keeps_their_own_through_the_api(as_user, agent, slash):
    client = as_user(agent)
    response = client.post(
        api_url() + slash,
        {"title": "프린터 안내", "body": "{{ agent_name }}입니다.", "language": "ko"},
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert (created["shared"], created["editable"]) == (False, True)
    canned = CannedReply.objects.get(pk=created["id"])
    assert canned.owner == agent
    url = api_url(canned) + slash
    response = client.patch(url, {"title": "프린터 용지 안내"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "프린터 용지 안내"
    assert client.delete(url).status_code == 204
    assert not CannedReply.objects.exists()


def test_bad_input_gets_400_with_the_fields_and_nothing_changes(as_user, agent, mine):
    client = as_user(agent)
    response = client.post(api_url(), {"title": "", "language": "fr"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"title", "body", "language"}
    response = client.patch(api_url(mine), {"body": "x" * 5001}, format="json")
    assert response.status_code == 400 and "body" in response.json()
    mine.refresh_from_db()
    assert mine.body.startswith("Please restart")
    assert CannedReply.objects.count() == 1


def test_an_agent_may_use_but_not_change_a_shared_one(as_user, agent, shared):
    client = as_user(agent)
    assert client.get(api_url(shared)).status_code == 200
    assert (
        client.patch(api_url(shared), {"title": "x"}, format="json").status_code == 403
    )
    assert client.delete(api_url(shared)).status_code == 403
    response = client.post(
        api_url(), {"title": "t", "body": "b", "shared": True}, format="json"
    )
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.title == "접수 안내"
    assert CannedReply.objects.count() == 1


def test_admins_keep_the_shared_ones(as_user, admin_user, shared):
    client = as_user(admin_user)
    response = client.patch(
        api_url(shared), {"title": "접수 안내 (개정)"}, format="json"
    )
    assert response.status_code == 200 and response.json()["editable"] is True
    response = client.post(
        api_url(), {"title": "공지", "body": "b", "shared": True}, format="json"
    )
    assert response.status_code == 201 and response.json()["shared"] is True
    assert CannedReply.objects.get(pk=response.json()["id"]).owner is None


# --- The reply form ----------------------------------------------------------------


def detail(ticket):
    return f"/tickets/{ticket.pk}/"


def insert(ticket):
    return f"/tickets/{ticket.pk}/reply/canned/"


def textarea(html: str) -> str:
    match = re.search(r"<textarea[^>]*name=\"body\"[^>]*>(.*?)</textarea>", html, re.S)
    assert match, "no message box"
    return match.group(1)


def test_the_reply_form_offers_the_shared_ones_and_the_agents_own(
    client, agent, ticket, shared, mine, theirs
):
    client.force_login(agent)
    html = client.get(detail(ticket)).content.decode()
    picker = html.split('class="canned-replies"', 1)[1].split("</select>", 1)[0]
    assert shared.title in picker and mine.title in picker
    assert theirs.title not in picker
    assert f'formaction="{insert(ticket)}"' in html
    assert "js/canned_replies.js" in html


def test_requesters_see_no_canned_replies(client, requester, ticket, shared):
    client.force_login(requester)
    html = client.get(detail(ticket)).content.decode()
    assert "canned-replies" not in html and shared.title not in html
    assert client.post(insert(ticket), {"canned": shared.pk}).status_code == 403


def test_insert_without_javascript_adds_the_text_after_what_was_typed(
    client, agent, ticket, shared
):
    client.force_login(agent)
    response = client.post(
        insert(ticket),
        {"body": "먼저 쓴 글\n", "visibility": "internal", "canned": shared.pk},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert textarea(html) == (
        f"\n먼저 쓴 글\n\n김학생 님, {ticket.reference} 건 확인했습니다. 이담당 드림"
    )
    assert re.search(r'value="internal"[^>]*checked', html)
    assert not Comment.objects.exists()  # nothing was sent


def test_a_canned_reply_that_is_gone_keeps_the_typed_text_and_says_so(
    client, agent, ticket, theirs
):
    client.force_login(agent)
    response = client.post(insert(ticket), {"body": "먼저 쓴 글", "canned": theirs.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert textarea(html).strip() == "먼저 쓴 글"
    assert "msg-error" in html
    assert not Comment.objects.exists()


def test_a_get_of_the_insert_address_goes_back_to_the_ticket(client, agent, ticket):
    client.force_login(agent)
    response = client.get(insert(ticket))
    assert response.status_code == 302 and response["Location"] == detail(ticket)


# --- Never stale -------------------------------------------------------------------------


@override_settings(TICKET_CACHE=True)
def test_a_cached_ticket_page_shows_canned_reply_changes_at_once(
    client, as_user, agent, other_agent, admin_user, ticket, shared
):
    client.force_login(agent)
    url = detail(ticket)
    assert "새로 만든 문구" not in client.get(url).content.decode()  # now cached
    api = as_user(agent)
    created = api.post(
        api_url(), {"title": "새로 만든 문구", "body": "b"}, format="json"
    ).json()
    assert "새로 만든 문구" in client.get(url).content.decode()
    # Another agent's page, cached too, never holds this agent's own ones.
    colleague = Client()
    colleague.force_login(other_agent)
    for _ in range(2):
        assert "새로 만든 문구" not in colleague.get(url).content.decode()
    api.patch(
        f"/api/canned-replies/{created['id']}", {"title": "고친 문구"}, format="json"
    )
    html = client.get(url).content.decode()
    assert "고친 문구" in html and "새로 만든 문구" not in html
    api.delete(f"/api/canned-replies/{created['id']}")
    assert "고친 문구" not in client.get(url).content.decode()
    # A shared one changed in the Django admin shows at once too.
    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(
        f"/admin/tickets/cannedreply/{shared.pk}/change/",
        {"title": "관리자가 고친 안내", "language": "ko", "body": BODY},
    )
    assert response.status_code == 302
    assert "관리자가 고친 안내" in client.get(url).content.decode()


# --- The Django admin ------------------------------------------------------------------


def test_the_admin_keeps_only_the_shared_ones(client, admin_user, shared, mine):
    client.force_login(admin_user)
    listing = client.get("/admin/tickets/cannedreply/").content.decode()
    assert shared.title in listing and mine.title not in listing
    assert client.get(f"/admin/tickets/cannedreply/{mine.pk}/change/").status_code in (
        302,
        404,
    )
    response = client.post(
        "/admin/tickets/cannedreply/add/",
        {
            "title": "Password reset",
            "language": "en",
            "body": "Hi {{ requester_name }}",
        },
    )
    assert response.status_code == 302
    added = CannedReply.objects.get(title="Password reset")
    assert added.owner is None
    response = client.post(
        f"/admin/tickets/cannedreply/{added.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CannedReply.objects.filter(pk=added.pk).exists()
