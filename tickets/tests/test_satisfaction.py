"""Satisfaction (CSAT): the service, the API, the ticket page and the e-mail links."""

import datetime
import re

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from tickets import selectors, services
from tickets.models import SatisfactionRating, Status
from tickets.satisfaction_links import (
    SALT,
    satisfaction_link_read,
    satisfaction_mail_links,
    satisfaction_token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(make_ticket, agent):
    return make_ticket(status=Status.RESOLVED, agent=agent)


@pytest.fixture
def cc_user(db):
    return UserFactory(email="colleague@school.ac.kr", name="박동료")


def reopen_and_resolve(ticket, agent):
    ticket = services.ticket_reopen(ticket=ticket, by=agent)
    return services.ticket_status_change(
        ticket=ticket, status=Status.RESOLVED, by=agent
    )


def link_path(ticket, rating="good"):
    token = satisfaction_token(ticket=ticket, rating=rating)
    return reverse("tickets:satisfaction_link", args=[token])


# --- The service -----------------------------------------------------------------


def test_the_requester_rates_a_resolved_ticket(resolved, requester):
    rating = services.satisfaction_rate(
        ticket=resolved, by=requester, rating="bad", comment=" 느렸어요 "
    )
    assert (rating.rating, rating.comment) == ("bad", "느렸어요")
    assert rating.resolved_at == resolved.resolved_at
    assert rating.requester == requester


def test_a_second_rating_of_the_same_resolution_replaces_the_first(resolved, requester):
    services.satisfaction_rate(ticket=resolved, by=requester, rating="bad")
    services.satisfaction_rate(
        ticket=resolved, by=requester, rating="good", comment="다시 보니 좋아요"
    )
    [only] = SatisfactionRating.objects.filter(ticket=resolved)
    assert (only.rating, only.comment) == ("good", "다시 보니 좋아요")


def test_a_rating_after_a_reopen_and_a_new_resolution_is_a_new_one(
    resolved, requester, agent
):
    services.satisfaction_rate(ticket=resolved, by=requester, rating="bad")
    again = reopen_and_resolve(resolved, agent)
    services.satisfaction_rate(ticket=again, by=requester, rating="good")
    ratings = SatisfactionRating.objects.filter(ticket=resolved)
    assert [r.rating for r in ratings] == ["good", "bad"]  # latest resolution first
    assert ratings[0].resolved_at == again.resolved_at


def test_a_resolved_ticket_closed_afterwards_can_still_be_rated(resolved, requester):
    closed = services.ticket_close(ticket=resolved, by=requester)
    rating = services.satisfaction_rate(ticket=closed, by=requester, rating="good")
    assert rating.resolved_at == resolved.resolved_at


@pytest.mark.parametrize("status", [Status.NEW, Status.IN_PROGRESS, Status.CLOSED])
def test_a_ticket_without_a_resolution_cannot_be_rated(
    make_ticket, agent, requester, status
):
    from django.core.exceptions import ValidationError

    ticket = make_ticket(status=status, agent=agent)
    with pytest.raises(ValidationError) as error:
        services.satisfaction_rate(ticket=ticket, by=requester, rating="good")
    assert error.value.code == "not_resolved"
    assert not SatisfactionRating.objects.exists()


def test_rating_moves_the_data_version(resolved, requester):
    before = selectors.ticket_data_version()
    services.satisfaction_rate(ticket=resolved, by=requester, rating="good")
    assert selectors.ticket_data_version() > before


# --- The API -----------------------------------------------------------------------


def api_url(ticket, slash=""):
    return f"/api/tickets/{ticket.pk}/satisfaction{slash}"


@pytest.mark.parametrize("slash", ["", "/"])
def test_api_requester_rates_and_rates_again(as_user, resolved, requester, slash):
    client = as_user(requester)
    first = client.post(
        api_url(resolved, slash), {"rating": "bad", "comment": "x"}, format="json"
    )
    assert first.status_code == 200, first.content
    assert first.json()["rating"] == "bad"
    second = client.post(api_url(resolved, slash), {"rating": "good"}, format="json")
    assert second.json()["rating"] == "good"
    assert second.json()["comment"] == ""
    assert SatisfactionRating.objects.get().rating == "good"
    listed = client.get(api_url(resolved, slash)).json()
    assert [each["rating"] for each in listed] == ["good"]


@pytest.mark.parametrize("who", ["agent", "admin_user", "other_requester", "cc_user"])
def test_api_only_the_requester_rates_everyone_else_gets_404(
    request, as_user, resolved, requester, who
):
    person = request.getfixturevalue(who)
    if who == "cc_user":
        services.ticket_cc_add(ticket=resolved, person=person, by=requester)
    response = as_user(person).post(
        api_url(resolved), {"rating": "good"}, format="json"
    )
    assert response.status_code == 404
    assert not SatisfactionRating.objects.exists()


def test_api_staff_read_the_ratings_but_cc_users_do_not(
    as_user, resolved, requester, agent, cc_user
):
    services.ticket_cc_add(ticket=resolved, person=cc_user, by=requester)
    services.satisfaction_rate(
        ticket=resolved, by=requester, rating="bad", comment="두 번 방문"
    )
    staff = as_user(agent).get(api_url(resolved))
    assert staff.status_code == 200
    assert staff.json()[0]["comment"] == "두 번 방문"
    assert as_user(cc_user).get(api_url(resolved)).status_code == 404


def test_api_anonymous_gets_401(api_client, resolved):
    response = api_client.post(api_url(resolved), {"rating": "good"}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "rating"),
        ({"rating": "great"}, "rating"),
        ({"rating": ["good"]}, "rating"),
        ({"rating": "good", "comment": "x" * 2001}, "comment"),
    ],
)
def test_api_bad_input_is_a_400_on_its_field_and_saves_nothing(
    as_user, resolved, requester, body, field
):
    services.satisfaction_rate(ticket=resolved, by=requester, rating="good")
    response = as_user(requester).post(api_url(resolved), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert SatisfactionRating.objects.get().rating == "good"


def test_api_an_unresolved_ticket_is_a_400(as_user, make_ticket, requester):
    ticket = make_ticket()
    response = as_user(requester).post(
        api_url(ticket), {"rating": "good"}, format="json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_api_schema_documents_the_endpoint(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = schema["paths"]["/api/tickets/{id}/satisfaction/"]
    assert {"get", "post"} <= set(operations)


# --- The ticket page ----------------------------------------------------------------


def page(client, ticket) -> str:
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_requester_rates_on_the_ticket_page_and_sees_the_rating(
    client, resolved, requester
):
    client.force_login(requester)
    html = page(client, resolved)
    assert 'id="satisfaction"' in html
    assert 'form="satisfaction"' in html  # its CSRF token, outside the fragment
    answer = client.post(
        reverse("tickets:satisfaction", args=[resolved.pk]),
        {"rating": "bad", "comment": "두 번 오셨어요"},
    )
    assert answer.status_code == 302
    html = page(client, resolved)  # the cached fragment moved with the rating
    assert "두 번 오셨어요" in html
    assert "평가 바꾸기" in html  # the site speaks Korean by default
    assert SatisfactionRating.objects.get().rating == "bad"


def test_a_cached_ticket_page_shows_a_new_rating_at_once(
    client, settings, resolved, requester, agent, as_user
):
    settings.TICKET_CACHE = True
    client.force_login(agent)
    assert "빨리 와 주셨어요" not in page(client, resolved)
    page(client, resolved)  # now from the cache
    as_user(requester).post(
        api_url(resolved),
        {"rating": "good", "comment": "빨리 와 주셨어요"},
        format="json",
    )
    assert "빨리 와 주셨어요" in page(client, resolved)


def test_page_form_errors_come_back_on_the_form_and_save_nothing(
    client, resolved, requester
):
    client.force_login(requester)
    answer = client.post(
        reverse("tickets:satisfaction", args=[resolved.pk]), {"rating": "great"}
    )
    assert answer.status_code == 200
    assert 'class="field-error"' in answer.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_page_rating_an_unresolved_ticket_is_refused_on_the_form(
    client, make_ticket, requester
):
    ticket = make_ticket()
    client.force_login(requester)
    answer = client.post(
        reverse("tickets:satisfaction", args=[ticket.pk]), {"rating": "good"}
    )
    assert answer.status_code == 200
    assert 'class="alert error"' in answer.content.decode()
    assert not SatisfactionRating.objects.exists()


@pytest.mark.parametrize("who", ["agent", "other_requester", "cc_user"])
def test_page_only_the_requester_rates(request, client, resolved, requester, who):
    person = request.getfixturevalue(who)
    if who == "cc_user":
        services.ticket_cc_add(ticket=resolved, person=person, by=requester)
    client.force_login(person)
    answer = client.post(
        reverse("tickets:satisfaction", args=[resolved.pk]), {"rating": "good"}
    )
    assert answer.status_code == 404
    assert not SatisfactionRating.objects.exists()


def test_staff_see_the_rating_and_comment_a_cc_user_sees_neither(
    client, resolved, requester, agent, cc_user
):
    services.ticket_cc_add(ticket=resolved, person=cc_user, by=requester)
    services.satisfaction_rate(
        ticket=resolved, by=requester, rating="bad", comment="기다림이 길었어요"
    )
    client.force_login(agent)
    html = page(client, resolved)
    assert "기다림이 길었어요" in html
    assert 'id="satisfaction"' not in html  # staff read, never rate
    client.force_login(cc_user)
    html = page(client, resolved)
    assert "기다림이 길었어요" not in html
    assert 'id="satisfaction"' not in html


def test_no_rating_form_on_an_open_ticket(client, make_ticket, requester):
    ticket = make_ticket()
    client.force_login(requester)
    assert 'id="satisfaction"' not in page(client, ticket)


# --- The e-mail link: signed, expiring, the requester's --------------------------------


def test_opening_a_link_changes_nothing_and_needs_no_sign_in(resolved):
    response = Client().get(link_path(resolved, "bad"))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'value="bad"[^>]*checked', html)
    assert "csrfmiddlewaretoken" in html
    assert not SatisfactionRating.objects.exists()


def test_opening_a_link_again_keeps_the_earlier_comment(resolved, requester):
    services.satisfaction_rate(
        ticket=resolved, by=requester, rating="bad", comment="느렸어요"
    )
    html = Client().get(link_path(resolved, "good")).content.decode()
    assert re.search(r'value="good"[^>]*checked', html)
    assert "느렸어요" in html


def test_the_confirming_post_saves_the_rating(resolved, requester):
    client = Client(enforce_csrf_checks=True)
    path = link_path(resolved, "good")
    html = client.get(path).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    answer = client.post(
        path, {"rating": "good", "comment": "빨랐어요", "csrfmiddlewaretoken": csrf}
    )
    assert answer.status_code == 302
    assert answer.url == reverse("tickets:satisfaction_thanks")
    rating = SatisfactionRating.objects.get()
    assert (rating.rating, rating.comment, rating.requester) == (
        "good",
        "빨랐어요",
        requester,
    )
    assert client.get(answer.url).status_code == 200


def test_a_post_without_the_csrf_token_is_refused(resolved):
    client = Client(enforce_csrf_checks=True)
    answer = client.post(link_path(resolved), {"rating": "good"})
    assert answer.status_code == 403
    assert not SatisfactionRating.objects.exists()


def test_the_requester_signed_in_may_use_their_link(client, resolved, requester):
    client.force_login(requester)
    assert client.post(link_path(resolved), {"rating": "good"}).status_code == 302
    assert SatisfactionRating.objects.count() == 1


@pytest.mark.parametrize("who", ["agent", "other_requester"])
def test_a_link_cannot_be_used_by_another_signed_in_user(
    request, client, resolved, who
):
    client.force_login(request.getfixturevalue(who))
    path = link_path(resolved)
    assert client.get(path).status_code == 403
    assert client.post(path, {"rating": "good"}).status_code == 403
    assert not SatisfactionRating.objects.exists()


def test_a_link_is_not_made_for_anyone_but_the_requester(
    resolved, requester, agent, cc_user
):
    services.ticket_cc_add(ticket=resolved, person=cc_user, by=requester)
    assert set(satisfaction_mail_links(ticket=resolved, recipient=requester)) == {
        "good",
        "bad",
    }
    assert satisfaction_mail_links(ticket=resolved, recipient=cc_user) == {}
    assert satisfaction_mail_links(ticket=resolved, recipient=agent) == {}


def test_an_expired_link_is_refused_and_saves_nothing(resolved):
    issued = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(issued, tick=False):
        path = link_path(resolved, "bad")
        assert Client().get(path).status_code == 200
    with time_machine.travel(issued + datetime.timedelta(days=14, seconds=1)):
        response = Client().get(path)
        assert response.status_code == 400
        assert "이 링크는 만료되었습니다." in response.content.decode()
        assert Client().post(path, {"rating": "bad"}).status_code == 400
    assert not SatisfactionRating.objects.exists()


def test_a_link_works_until_its_last_day(resolved, settings):
    settings.SATISFACTION_LINK_MAX_AGE_DAYS = 3
    issued = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(issued, tick=False):
        path = link_path(resolved)
    with time_machine.travel(issued + datetime.timedelta(days=2, hours=23)):
        assert Client().post(path, {"rating": "good"}).status_code == 302
    with time_machine.travel(issued + datetime.timedelta(days=3, minutes=1)):
        assert Client().post(path, {"rating": "bad"}).status_code == 400
    assert SatisfactionRating.objects.get().rating == "good"


def tamper(token: str, change) -> str:
    """The token with its signed payload changed, the signature kept."""
    payload, stamp, signature = token.split(":")
    value = signing.loads(f"{payload}:{stamp}:{signature}", salt=SALT)
    forged = signing.dumps(change(value), salt="forger's own salt")
    forged_payload = forged.split(":")[0]
    return f"{forged_payload}:{stamp}:{signature}"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda t, ids: "forged-token", id="made-up"),
        pytest.param(
            lambda t, ids: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),
            id="bad-signature",
        ),
        pytest.param(
            lambda t, ids: tamper(t, lambda v: [ids["other"], *v[1:]]),
            id="other-ticket",
        ),
        pytest.param(
            lambda t, ids: tamper(t, lambda v: [v[0], ids["agent"], *v[2:]]),
            id="other-user",
        ),
        pytest.param(
            lambda t, ids: signing.dumps([ids["own"], ids["requester"], 0, "good"]),
            id="default-salt",
        ),
    ],
)
def test_a_forged_or_tampered_link_is_refused_and_saves_nothing(
    resolved, make_ticket, agent, requester, forge
):
    other = make_ticket(status=Status.RESOLVED, agent=agent)
    ids = {
        "own": resolved.pk,
        "other": other.pk,
        "agent": agent.pk,
        "requester": requester.pk,
    }
    token = forge(satisfaction_token(ticket=resolved, rating="good"), ids)
    path = reverse("tickets:satisfaction_link", args=[token])
    assert Client().get(path).status_code == 400
    assert Client().post(path, {"rating": "good"}).status_code == 400
    assert not SatisfactionRating.objects.exists()


def test_a_link_says_what_it_was_made_for(resolved, requester):
    link = satisfaction_link_read(satisfaction_token(ticket=resolved, rating="bad"))
    assert (link.ticket_id, link.requester_id, link.rating) == (
        resolved.pk,
        requester.pk,
        "bad",
    )
    assert link.resolved_at == resolved.resolved_at


def test_a_link_from_an_earlier_resolution_is_refused(resolved, agent):
    path = link_path(resolved)
    reopened = services.ticket_reopen(ticket=resolved, by=agent)
    assert Client().get(path).status_code == 400  # reopened: nothing to rate
    reopen_and_resolve_again = services.ticket_status_change(
        ticket=reopened, status=Status.RESOLVED, by=agent
    )
    response = Client().get(path)
    assert response.status_code == 400
    assert "이전 해결에 대한 것" in response.content.decode()
    assert Client().post(path, {"rating": "good"}).status_code == 400
    assert not SatisfactionRating.objects.exists()
    # The new resolution's link works.
    assert (
        Client()
        .post(link_path(reopen_and_resolve_again), {"rating": "good"})
        .status_code
        == 302
    )


def test_a_link_of_a_deactivated_requester_is_refused(resolved, requester):
    path = link_path(resolved)
    requester.is_active = False
    requester.save()
    assert Client().post(path, {"rating": "good"}).status_code == 403
    assert not SatisfactionRating.objects.exists()


def test_a_link_post_with_bad_input_keeps_the_form_and_saves_nothing(resolved):
    response = Client().post(link_path(resolved), {"rating": "great"})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not SatisfactionRating.objects.exists()


# --- Reports --------------------------------------------------------------------------


def test_the_summary_counts_the_ratings_of_the_resolutions_in_the_period(
    make_ticket, agent, requester, other_requester
):
    from reports.periods import Period
    from reports.selectors import satisfaction_summary as report_figure
    from tickets.models import Ticket

    for rating in ("good", "good", "bad"):
        ticket = make_ticket(status=Status.RESOLVED, agent=agent)
        services.satisfaction_rate(ticket=ticket, by=requester, rating=rating)
    theirs = make_ticket(requester=other_requester, status=Status.RESOLVED, agent=agent)
    services.satisfaction_rate(ticket=theirs, by=other_requester, rating="bad")
    make_ticket(status=Status.RESOLVED, agent=agent)  # resolved, never rated

    everything = selectors.satisfaction_summary(tickets=Ticket.objects.all())
    assert everything == {"count": 4, "good": 2, "bad": 2, "good_percent": 50.0}
    # Scoped: a requester's own tickets only.
    mine = selectors.satisfaction_summary(tickets=Ticket.objects.visible_to(requester))
    assert mine == {"count": 3, "good": 2, "bad": 1, "good_percent": 66.7}
    # The reports' figure: resolutions made in the period.
    today = datetime.date.today()
    now = Period(
        first=today - datetime.timedelta(days=1),
        last=today + datetime.timedelta(days=1),
    )
    before = Period(
        first=today - datetime.timedelta(days=30),
        last=today - datetime.timedelta(days=20),
    )
    assert report_figure(Ticket.objects.all(), now)["count"] == 4
    assert report_figure(Ticket.objects.all(), before) == {
        "count": 0,
        "good": 0,
        "bad": 0,
        "good_percent": None,
    }


# --- The "not good" notification --------------------------------------------------------


def test_a_bad_rating_tells_the_assignee_once(
    make_ticket, agent, other_agent, requester
):
    from notifications.models import Notification, NotificationKind

    ticket = make_ticket()
    services.ticket_assign(ticket=ticket, assignee=agent, by=other_agent)
    ticket = services.ticket_status_change(
        ticket=ticket, status=Status.RESOLVED, by=agent
    )
    Notification.objects.all().delete()
    services.satisfaction_rate(ticket=ticket, by=requester, rating="good")
    assert not Notification.objects.exists()
    services.satisfaction_rate(ticket=ticket, by=requester, rating="bad")
    services.satisfaction_rate(
        ticket=ticket, by=requester, rating="bad", comment="다시 고장"
    )
    [told] = Notification.objects.all()
    assert told.recipient == agent
    assert told.kind == NotificationKind.SATISFACTION_BAD
    assert ticket.reference in told.text
