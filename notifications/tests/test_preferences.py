"""E-mail opt-out per kind of event; in-app stays on."""

import pytest
from django.utils import translation

from accounts.tests.factories import UserFactory
from notifications import services
from notifications.forms import REQUESTER_LABELS, preference_fields_for
from notifications.models import Notification, OutboundEmail
from tickets import services as tickets

pytestmark = pytest.mark.django_db


def test_turning_off_a_kind_stops_its_mail_but_not_the_in_app_notice(
    smtp_server, run_worker, ko_requester, en_agent, category
):
    services.preference_update(user=ko_requester, email_reply_staff=False)
    ticket = tickets.ticket_create(by=ko_requester, title="Prefs", category=category)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="reply")
    tickets.ticket_status_change(ticket=ticket, status="resolved", by=en_agent)
    run_worker()

    kinds_mailed = sorted(
        OutboundEmail.objects.filter(recipient=ko_requester).values_list(
            "kind", flat=True
        )
    )
    assert kinds_mailed == ["status_changed", "ticket_created"]
    assert len(smtp_server.mails_to(ko_requester.email)) == 2
    assert Notification.objects.filter(
        recipient=ko_requester, kind="reply_staff"
    ).exists()


def test_agents_can_turn_off_new_ticket_mail(
    smtp_server, run_worker, ko_requester, en_agent, ko_agent, category
):
    services.preference_update(user=en_agent, email_ticket_created=False)
    tickets.ticket_create(by=ko_requester, title="Quiet", category=category)
    run_worker()

    assert smtp_server.recipients == sorted([ko_requester.email, ko_agent.email])
    assert Notification.objects.filter(recipient=en_agent).count() == 1


def test_unknown_preference_is_refused(ko_requester):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.preference_update(user=ko_requester, email_everything=False)


def test_a_requester_can_turn_off_mail_of_replies_from_people_copied(
    client, ko_requester, en_agent, category
):
    ticket = tickets.ticket_create(by=ko_requester, title="CC", category=category)
    classmate = UserFactory(email="classmate@school.ac.kr", name="박학생")
    tickets.ticket_cc_add(ticket=ticket, person=classmate, by=ko_requester)
    client.force_login(ko_requester)
    page = client.get("/notifications/preferences/").content.decode()
    with translation.override("ko"):
        assert str(REQUESTER_LABELS["email_reply_requester"]) in page
    # Everything else stays on; this switch goes off.
    kept = {
        name: "on"
        for name in preference_fields_for(ko_requester)
        if name != "email_reply_requester"
    }
    assert client.post("/notifications/preferences/", kept).status_code == 302

    tickets.ticket_reply(ticket=ticket, by=classmate, body="저도 같은 문제예요")

    assert not OutboundEmail.objects.filter(
        recipient=ko_requester, kind="reply_requester"
    ).exists()
    assert Notification.objects.filter(
        recipient=ko_requester, kind="reply_requester"
    ).exists()
    # The team still hears of it by e-mail.
    assert OutboundEmail.objects.filter(
        recipient=en_agent, kind="reply_requester"
    ).exists()
