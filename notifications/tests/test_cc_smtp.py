"""People copied on a ticket (CC) and staff following it, over real SMTP.

A CC'd user is told what the requester is told (public replies, the status
changes a requester hears of), never internal notes; once taken off, mails
still queued for them are dropped. A follower is told what the assignee is.
"""

import pytest

from accounts.models import Language
from accounts.tests.factories import UserFactory
from notifications import outbox
from notifications import services as notifications
from notifications.models import Notification, OutboundEmail, OutboundEmailStatus
from tickets import services as tickets

from .helpers import only_mail, text_part

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["inline", "queued"])
def fanout(request, settings):
    settings.NOTIFICATIONS_FANOUT = request.param
    return request.param


@pytest.fixture
def en_colleague(db):
    return UserFactory(
        email="student3@school.ac.kr", name="Han TA", language=Language.ENGLISH
    )


@pytest.fixture
def ticket(
    ko_requester, en_agent, ko_agent, en_colleague, category, smtp_server, run_worker
):
    """Assigned to `ko_agent`, `en_colleague` CC'd; mails so far forgotten."""
    ticket = tickets.ticket_create(
        by=ko_requester, title="와이파이 불안정", category=category
    )
    ticket = tickets.ticket_assign(ticket=ticket, assignee=ko_agent, by=en_agent)
    tickets.ticket_cc_add(ticket=ticket, person=en_colleague.email, by=ko_requester)
    run_worker()
    smtp_server.mails.clear()
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()
    return ticket


def told(ticket):
    return sorted(
        Notification.objects.filter(ticket=ticket).values_list(
            "recipient__email", flat=True
        )
    )


def test_being_added_is_a_mail_in_the_new_ccs_language(
    ko_requester, en_agent, en_colleague, category, smtp_server, run_worker
):
    ticket = tickets.ticket_create(by=ko_requester, title="프린터", category=category)
    run_worker()
    smtp_server.mails.clear()
    tickets.ticket_cc_add(ticket=ticket, person=en_colleague, by=ko_requester)
    run_worker()
    assert smtp_server.recipients == [en_colleague.email]
    mail = only_mail(smtp_server, en_colleague.email)
    assert f"[{ticket.reference}]" in mail["Subject"]
    assert "added you to" in text_part(mail) and "(CC)" in text_part(mail)


def test_cc_hears_a_staff_reply_like_the_requester(
    ticket, ko_requester, ko_agent, en_colleague, smtp_server, run_worker
):
    tickets.ticket_reply(ticket=ticket, by=ko_agent, body="공유기를 교체했습니다")
    run_worker()
    assert smtp_server.recipients == sorted([ko_requester.email, en_colleague.email])
    assert told(ticket) == sorted([ko_requester.email, en_colleague.email])
    mail = only_mail(smtp_server, en_colleague.email)
    assert "공유기를 교체했습니다" in text_part(mail)


def test_cc_never_hears_of_an_internal_note(
    ticket, en_agent, ko_agent, en_colleague, smtp_server, run_worker
):
    tickets.ticket_reply(
        ticket=ticket, by=en_agent, body="SECRET 장비 비밀번호", internal=True
    )
    run_worker()
    assert smtp_server.recipients == [ko_agent.email]  # the assignee only
    assert told(ticket) == [ko_agent.email]
    assert not OutboundEmail.objects.filter(recipient=en_colleague).exists()


@pytest.mark.parametrize(
    ("status", "cc_told"),
    [("waiting", True), ("resolved", True), ("in_progress", False)],
)
def test_cc_hears_the_status_changes_the_requester_hears(
    ticket,
    ko_requester,
    ko_agent,
    en_colleague,
    smtp_server,
    run_worker,
    status,
    cc_told,
):
    if status == "in_progress":
        tickets.ticket_status_change(ticket=ticket, status="waiting", by=ko_agent)
        run_worker()
        smtp_server.mails.clear()
        Notification.objects.all().delete()
    ticket.refresh_from_db()
    tickets.ticket_status_change(ticket=ticket, status=status, by=ko_agent)
    run_worker()
    expected = sorted([ko_requester.email, en_colleague.email]) if cc_told else []
    assert smtp_server.recipients == expected
    assert told(ticket) == expected


def test_a_cc_reply_reaches_the_assignee_and_the_requester(
    ticket, ko_requester, ko_agent, en_colleague, smtp_server, run_worker
):
    tickets.ticket_reply(ticket=ticket, by=en_colleague, body="Same here")
    run_worker()
    assert smtp_server.recipients == sorted([ko_agent.email, ko_requester.email])
    assert smtp_server.mails_to(en_colleague.email) == []


def test_a_removed_cc_hears_no_more_and_queued_mails_are_dropped(
    ticket, ko_requester, ko_agent, en_colleague, smtp_server, run_worker, fanout
):
    tickets.ticket_reply(ticket=ticket, by=ko_agent, body="확인 중입니다")
    if fanout == "queued":
        notifications.fan_out_queued()
    row = OutboundEmail.objects.get(recipient=en_colleague)
    assert row.status == OutboundEmailStatus.PENDING

    tickets.ticket_cc_remove(ticket=ticket, person=en_colleague, by=ko_requester)
    tickets.ticket_reply(ticket=ticket, by=ko_agent, body="교체 완료")
    run_worker()

    assert smtp_server.mails_to(en_colleague.email) == []
    assert len(smtp_server.mails_to(ko_requester.email)) == 2
    row.refresh_from_db()
    assert row.status == OutboundEmailStatus.DROPPED
    assert row.last_error == outbox.DROPPED_REASON
    assert OutboundEmail.objects.filter(recipient=en_colleague).count() == 1


def test_a_follower_hears_what_the_assignee_hears(
    ticket, ko_requester, en_agent, ko_agent, smtp_server, run_worker
):
    tickets.ticket_follow(ticket=ticket, by=en_agent)
    tickets.ticket_reply(ticket=ticket, by=ko_requester, body="아직 끊깁니다")
    tickets.ticket_reply(ticket=ticket, by=ko_agent, body="점검 메모", internal=True)
    run_worker()
    assert len(smtp_server.mails_to(en_agent.email)) == 2
    tickets.ticket_unfollow(ticket=ticket, by=en_agent)
    smtp_server.mails.clear()
    tickets.ticket_reply(ticket=ticket, by=ko_agent, body="또 메모", internal=True)
    run_worker()
    assert smtp_server.mails_to(en_agent.email) == []
