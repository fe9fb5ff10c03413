"""The "resolved" e-mail's one-click satisfaction links, over real SMTP.

The ticket is resolved through the services, the worker sends what that
queued to an aiosmtpd server on loopback (`smtp_server`, from the
notifications tests' fixtures), and the links are read out of the
mail the server received and followed with a browser-like client.
"""

import re

import pytest
from django.test import Client

from accounts.models import Language
from accounts.tests.factories import UserFactory
from notifications.tests.helpers import html_part, only_mail, text_part
from tickets import services
from tickets.models import SatisfactionRating, Status

pytestmark = pytest.mark.django_db

BASE = "https://helpdesk.school.ac.kr"  # APP_BASE_URL of `smtp_settings`
LINK = re.compile(re.escape(BASE) + r"/satisfaction/[^/\s\"<>]+/")


@pytest.fixture
def cc_user(db):
    return UserFactory(
        email="colleague@school.ac.kr", name="박동료", language=Language.KOREAN
    )


@pytest.fixture
def resolve(smtp_server, run_worker, make_ticket, agent, requester, cc_user):
    """Resolve a ticket with a CC'd colleague; return it once the mails are out."""

    def _resolve():
        ticket = make_ticket()
        services.ticket_cc_add(ticket=ticket, person=cc_user, by=requester)
        services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
        run_worker()
        smtp_server.mails.clear()
        ticket = services.ticket_status_change(
            ticket=ticket, status=Status.RESOLVED, by=agent
        )
        run_worker()
        return ticket

    return _resolve


def links(message) -> list[str]:
    return LINK.findall(text_part(message))


def test_the_requesters_resolved_mail_carries_a_good_and_a_bad_link(
    resolve, smtp_server, requester
):
    resolve()
    message = only_mail(smtp_server, requester.email)
    text = text_part(message)
    assert "좋아요" in text and "아쉬워요" in text
    good, bad = links(message)
    assert good != bad
    assert good in html_part(message) and bad in html_part(message)


def test_cc_and_staff_mails_carry_no_links(
    resolve, smtp_server, requester, cc_user, agent
):
    resolve()
    cc_mail = only_mail(smtp_server, cc_user.email)
    assert links(cc_mail) == []
    assert "/satisfaction/" not in html_part(cc_mail)
    for mail in smtp_server.mails:
        if requester.email not in mail["rcpt_tos"]:
            assert "/satisfaction/" not in text_part(mail["message"])


def test_a_link_from_the_mail_rates_after_a_confirming_post(
    resolve, smtp_server, requester
):
    ticket = resolve()
    _good, bad = links(only_mail(smtp_server, requester.email))
    path = bad.removeprefix(BASE)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path)
    assert page.status_code == 200
    assert not SatisfactionRating.objects.exists()  # the click alone saves nothing
    csrf = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()
    ).group(1)
    answer = browser.post(
        path, {"rating": "bad", "comment": "", "csrfmiddlewaretoken": csrf}
    )
    assert answer.status_code == 302
    rating = SatisfactionRating.objects.get()
    assert (rating.ticket_id, rating.requester, rating.rating) == (
        ticket.pk,
        requester,
        "bad",
    )


def test_the_link_of_an_earlier_resolution_does_not_rate_the_new_one(
    resolve, smtp_server, run_worker, requester, agent
):
    ticket = resolve()
    good, _bad = links(only_mail(smtp_server, requester.email))
    smtp_server.mails.clear()
    services.ticket_reopen(ticket=ticket, by=agent)
    ticket = services.ticket_status_change(
        ticket=ticket, status=Status.RESOLVED, by=agent
    )
    run_worker()
    new_good, _new_bad = links(only_mail(smtp_server, requester.email))
    assert new_good != good
    assert Client().post(good.removeprefix(BASE), {"rating": "good"}).status_code == 400
    assert not SatisfactionRating.objects.exists()
    assert (
        Client().post(new_good.removeprefix(BASE), {"rating": "good"}).status_code
        == 302
    )
    assert SatisfactionRating.objects.get().resolved_at == ticket.resolved_at
