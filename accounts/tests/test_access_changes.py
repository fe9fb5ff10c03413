"""A directory sync that demotes or deactivates an agent ends what they held.

Their open tickets go back to the queue, their API tokens stop working, and a
requester's reply afterwards is neither notified nor mailed to them. The sync
runs for real, against the throwaway MIS database of the directory tests.
"""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.api.tokens import RefreshToken
from accounts.models import Role, User
from accounts.sync import sync_users_once
from accounts.tests import test_directory_sync as directory
from notifications.models import Notification, OutboundEmail
from tickets import services
from tickets.models import EventKind
from tickets.tests.factories import CategoryFactory

# The directory tests' MIS database and its school (fixtures), shared.
mis = directory.mis
school = directory.school

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_agent(school):
    """E900 from the school, an agent, with a ticket of a student's and tokens."""
    sync_users_once()
    agent = User.objects.get(external_id="E900")
    assert agent.role == Role.AGENT
    return agent


@pytest.fixture
def student(it_agent):
    return User.objects.get(external_id="S001")


@pytest.fixture
def ticket(it_agent, student):
    ticket = services.ticket_create(
        by=student, title="VPN 접속 불가", category=CategoryFactory()
    )
    return services.ticket_assign(ticket=ticket, assignee=it_agent, by=it_agent)


def depart(how, school, settings):
    if how == "demoted":
        settings.MIS_AGENT_EXTERNAL_IDS = []  # no longer on the IT team's list
    else:
        school.remove("E900")  # left the school


@pytest.mark.parametrize("how", ["demoted", "deactivated"])
def test_sync_sends_the_tickets_of_a_departing_agent_back_to_the_queue(
    school, settings, it_agent, student, ticket, how
):
    depart(how, school, settings)
    sync_users_once()

    ticket.refresh_from_db()
    assert ticket.assignee is None
    event = ticket.events.order_by("pk").last()
    assert (event.kind, event.old_value, event.new_value) == (
        EventKind.ASSIGNED,
        str(it_agent.pk),
        "",
    )

    services.ticket_reply(ticket=ticket, by=student, body="비밀번호는 1234입니다")

    replies = {"kind": "reply_requester", "ticket": ticket}
    assert not Notification.objects.filter(recipient=it_agent, **replies).exists()
    assert not OutboundEmail.objects.filter(recipient=it_agent, **replies).exists()


@pytest.mark.parametrize("how", ["demoted", "deactivated"])
def test_sync_ends_the_api_tokens_of_a_departing_agent(school, settings, it_agent, how):
    refresh = RefreshToken.for_user(it_agent)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    assert client.get("/api/me").status_code == 200

    depart(how, school, settings)
    sync_users_once()

    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()
    assert client.get("/api/me").status_code == 401
    again = APIClient().post(
        "/api/auth/refresh", {"refresh": str(refresh)}, format="json"
    )
    assert again.status_code == 401


def test_sync_changing_other_fields_leaves_tokens_and_tickets(school, it_agent, ticket):
    refresh = RefreshToken.for_user(it_agent)
    school.set("E900", full_name="정전산(수정)", dept="정보통신팀")

    sync_users_once()

    assert not BlacklistedToken.objects.exists()
    ticket.refresh_from_db()
    assert ticket.assignee == it_agent
    assert User.objects.get(pk=it_agent.pk).department == "정보통신팀"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    assert client.get("/api/me").status_code == 200
