"""How notifications and e-mails name people: the one display-name rule."""

import pytest

from accounts.models import Language
from accounts.tests.factories import AgentFactory, UserFactory
from notifications import rendering
from notifications.models import Notification, OutboundEmail
from tickets import services as tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def nameless_agent(db):
    return AgentFactory(
        email="quiet.agent@school.ac.kr", name="", language=Language.ENGLISH
    )


def rendered_mail_to(user) -> OutboundEmail:
    row = OutboundEmail.objects.select_related(
        "ticket__category", "ticket__requester", "actor", "recipient", "comment"
    ).get(recipient=user)
    rendering.render_outbound(row)
    return row


def test_requester_never_sees_a_nameless_agents_address(
    ko_requester, nameless_agent, category
):
    ko_requester.language = Language.ENGLISH
    ko_requester.save()
    ticket = tickets.ticket_create(by=ko_requester, title="Printer", category=category)
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()

    tickets.ticket_reply(ticket=ticket, by=nameless_agent, body="Fixed")

    text = Notification.objects.get(recipient=ko_requester).text
    row = rendered_mail_to(ko_requester)
    for shown in (text, row.body_text, row.body_html):
        assert nameless_agent.email not in shown
        assert "IT staff" in shown


def test_agents_see_a_nameless_requesters_address(en_agent, category):
    nameless = UserFactory(email="anon@school.ac.kr", name="")

    ticket = tickets.ticket_create(by=nameless, title="VPN", category=category)

    text = Notification.objects.get(recipient=en_agent, ticket=ticket).text
    assert "anon@school.ac.kr" in text


def test_names_with_line_breaks_stay_on_one_line(ko_requester, category):
    agent = AgentFactory(
        email="split@school.ac.kr", name="Lee\r\nBcc: evil@example.com"
    )
    ticket = tickets.ticket_create(by=ko_requester, title="Line", category=category)

    tickets.ticket_reply(ticket=ticket, by=agent, body="Hi")

    text = Notification.objects.get(recipient=ko_requester, kind="reply_staff").text
    assert "\n" not in text and "\r" not in text
    assert "Lee Bcc: evil@example.com" in text


def test_mail_greets_the_recipient_by_name(ko_requester, en_agent, category):
    ticket = tickets.ticket_create(by=ko_requester, title="Hello", category=category)
    OutboundEmail.objects.all().delete()
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="Hi")

    row = rendered_mail_to(ko_requester)

    assert "김학생" in row.body_text.splitlines()[0]
    assert "Lee Agent" in row.body_text
