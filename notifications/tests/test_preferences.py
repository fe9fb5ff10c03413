"""E-mail opt-out per kind of event; in-app stays on."""

import pytest

from notifications import services
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
