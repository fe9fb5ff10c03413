"""Each row of DESIGN.md's notification table, end to end over real SMTP.

Tickets change through `tickets.services`; the worker sends what they queued to
an aiosmtpd server on loopback; the assertions read what that server received.
"""

import pytest

from accounts.models import Language
from accounts.tests.factories import AdminFactory, AgentFactory, UserFactory
from notifications.models import CategoryAgent, Notification
from tickets import services as tickets

from .helpers import html_part, only_mail, text_part

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["inline", "queued"])
def fanout(request, settings):
    """Every row of the table both ways: written by the change, or by the worker."""
    settings.NOTIFICATIONS_FANOUT = request.param
    return request.param


BASE = "https://helpdesk.school.ac.kr"


def root_id(ticket):
    return f"<ticket-{ticket.pk}@school.ac.kr>"


@pytest.fixture
def ticket(ko_requester, en_agent, ko_agent, category, smtp_server, run_worker):
    """A new ticket whose creation mails were already sent and forgotten."""
    ticket = tickets.ticket_create(
        by=ko_requester,
        title="와이파이 불안정",
        description="기숙사 3층에서 연결이 자주 끊깁니다.",
        category=category,
    )
    run_worker()
    smtp_server.mails.clear()
    Notification.objects.all().delete()
    return ticket


def notified(ticket):
    return sorted(
        Notification.objects.filter(ticket=ticket).values_list(
            "recipient__email", flat=True
        )
    )


def test_new_ticket_sends_receipt_and_tells_all_agents(
    smtp_server, run_worker, ko_requester, en_agent, ko_agent, category
):
    ticket = tickets.ticket_create(
        by=ko_requester,
        title="와이파이 불안정",
        description="기숙사 3층에서 연결이 자주 끊깁니다.",
        category=category,
    )
    run_worker()

    everyone = sorted([ko_requester.email, en_agent.email, ko_agent.email])
    assert smtp_server.recipients == everyone
    assert notified(ticket) == everyone

    receipt = only_mail(smtp_server, ko_requester.email)
    assert receipt["Subject"] == f"[{ticket.reference}] 와이파이 불안정"
    assert ticket.reference == f"SD-{ticket.pk:06d}"
    assert receipt["Message-ID"] == root_id(ticket)
    assert receipt["In-Reply-To"] is None
    assert receipt["Content-Language"] == Language.KOREAN
    assert receipt["From"] == "IT Service Desk <servicedesk@school.ac.kr>"
    assert "네트워크" in text_part(receipt)  # the category in Korean
    assert "기숙사 3층에서 연결이 자주 끊깁니다." in text_part(receipt)
    assert f"{BASE}/tickets/{ticket.pk}/" in text_part(receipt)
    assert f'href="{BASE}/tickets/{ticket.pk}/"' in html_part(receipt)
    assert '<html lang="ko">' in html_part(receipt)

    english = only_mail(smtp_server, en_agent.email)
    assert english["Content-Language"] == Language.ENGLISH
    assert "Category: Network" in text_part(english)
    assert "New ticket " + ticket.reference in text_part(english)
    assert '<html lang="en">' in html_part(english)
    assert english["Message-ID"] == root_id(ticket)


def test_ticket_opened_by_staff_for_a_requester_skips_the_acting_agent(
    smtp_server, run_worker, ko_requester, en_agent, ko_agent, category
):
    admin = AdminFactory(email="admin1@school.ac.kr")
    ticket = tickets.ticket_create(
        by=en_agent, requester=ko_requester, title="Printer jam", category=category
    )
    run_worker()

    expected = sorted([ko_requester.email, ko_agent.email, admin.email])
    assert smtp_server.recipients == expected
    assert notified(ticket) == expected


def test_new_ticket_in_a_category_with_named_agents_goes_to_them_only(
    smtp_server, run_worker, ko_requester, en_agent, ko_agent, category, other_category
):
    CategoryAgent.objects.create(category=category, agent=ko_agent)
    ticket = tickets.ticket_create(by=ko_requester, title="VPN", category=category)
    other = tickets.ticket_create(
        by=ko_requester, title="Toner", category=other_category
    )
    run_worker()

    assert notified(ticket) == sorted([ko_requester.email, ko_agent.email])
    assert notified(other) == sorted(
        [ko_requester.email, en_agent.email, ko_agent.email]
    )
    assert len(smtp_server.mails_to(en_agent.email)) == 1  # only the other ticket
    assert len(smtp_server.mails_to(ko_agent.email)) == 2


def test_public_reply_by_staff_tells_the_requester_in_the_thread(
    ticket, smtp_server, run_worker, ko_requester, en_agent
):
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="공유기를 재시작해 보세요.")
    run_worker()

    assert smtp_server.recipients == [ko_requester.email]
    assert notified(ticket) == [ko_requester.email]
    mail = only_mail(smtp_server, ko_requester.email)
    assert mail["Subject"] == f"Re: [{ticket.reference}] 와이파이 불안정"
    assert mail["In-Reply-To"] == root_id(ticket)
    assert mail["References"] == root_id(ticket)
    assert mail["Message-ID"] != root_id(ticket)
    assert mail["Message-ID"].endswith("@school.ac.kr>")
    assert "공유기를 재시작해 보세요." in text_part(mail)
    assert "Lee Agent" in text_part(mail)
    assert en_agent.email not in text_part(mail) + html_part(mail)
    assert f"{BASE}/tickets/{ticket.pk}/" in text_part(mail)


def test_requester_reply_on_unassigned_ticket_tells_all_agents(
    ticket, smtp_server, run_worker, ko_requester, en_agent, ko_agent
):
    tickets.ticket_reply(ticket=ticket, by=ko_requester, body="아직도 끊겨요")
    run_worker()

    assert smtp_server.recipients == sorted([en_agent.email, ko_agent.email])
    mail = only_mail(smtp_server, en_agent.email)
    assert mail["In-Reply-To"] == root_id(ticket)
    assert "아직도 끊겨요" in text_part(mail)
    assert "김학생 replied to " + ticket.reference in text_part(mail)


def test_requester_reply_on_assigned_ticket_tells_the_assignee(
    ticket, smtp_server, run_worker, ko_requester, en_agent, ko_agent
):
    tickets.ticket_assign(ticket=ticket, assignee=ko_agent, by=en_agent)
    run_worker()
    smtp_server.mails.clear()

    tickets.ticket_reply(ticket=ticket, by=ko_requester, body="감사합니다")
    run_worker()

    assert smtp_server.recipients == [ko_agent.email]
    assert only_mail(smtp_server, ko_agent.email)["Content-Language"] == "ko"


def test_assigning_tells_the_new_assignee(
    ticket, smtp_server, run_worker, ko_requester, en_agent, ko_agent
):
    tickets.ticket_assign(ticket=ticket, assignee=en_agent, by=ko_agent)
    run_worker()

    assert smtp_server.recipients == [en_agent.email]
    assert notified(ticket) == [en_agent.email]
    mail = only_mail(smtp_server, en_agent.email)
    assert "assigned " + ticket.reference in text_part(mail)
    assert mail["References"] == root_id(ticket)


def test_assigning_yourself_tells_nobody(ticket, smtp_server, run_worker, en_agent):
    tickets.ticket_assign(ticket=ticket, assignee=en_agent, by=en_agent)
    run_worker()

    assert smtp_server.mails == []
    assert notified(ticket) == []


@pytest.mark.parametrize("status", ["waiting", "resolved", "closed"])
def test_status_change_by_staff_tells_the_requester(
    ticket, smtp_server, run_worker, ko_requester, en_agent, status
):
    tickets.ticket_status_change(ticket=ticket, status=status, by=en_agent)
    run_worker()

    assert smtp_server.recipients == [ko_requester.email]
    mail = only_mail(smtp_server, ko_requester.email)
    assert mail["In-Reply-To"] == root_id(ticket)
    assert ticket.reference in mail["Subject"]
    assert notified(ticket) == [ko_requester.email]


def test_status_change_to_in_progress_tells_nobody(
    ticket, smtp_server, run_worker, en_agent
):
    tickets.ticket_status_change(ticket=ticket, status="in_progress", by=en_agent)
    run_worker()

    assert smtp_server.mails == []


def test_requester_closing_their_own_ticket_tells_nobody(
    ticket, smtp_server, run_worker, ko_requester
):
    tickets.ticket_close(ticket=ticket, by=ko_requester)
    run_worker()

    assert smtp_server.mails == []
    assert notified(ticket) == []


def test_internal_note_tells_the_assignee_and_never_the_requester(
    ticket, smtp_server, run_worker, ko_requester, en_agent, ko_agent
):
    tickets.ticket_assign(ticket=ticket, assignee=en_agent, by=en_agent)
    tickets.ticket_reply(
        ticket=ticket, by=ko_agent, body="SECRET: 장비 교체 필요", internal=True
    )
    run_worker()

    assert smtp_server.recipients == [en_agent.email]
    assert notified(ticket) == [en_agent.email]
    mail = only_mail(smtp_server, en_agent.email)
    assert "SECRET: 장비 교체 필요" in text_part(mail)
    assert "Internal note" in text_part(mail)
    assert smtp_server.mails_to(ko_requester.email) == []
    assert not Notification.objects.filter(recipient=ko_requester).exists()


def test_internal_note_by_the_assignee_tells_nobody(
    ticket, smtp_server, run_worker, en_agent
):
    tickets.ticket_assign(ticket=ticket, assignee=en_agent, by=en_agent)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="note to self", internal=True)
    run_worker()

    assert smtp_server.mails == []
    assert notified(ticket) == []


def test_internal_note_never_mails_a_requester_who_is_also_the_assignee(
    smtp_server, run_worker, en_agent, ko_agent, category
):
    # An agent's own ticket, assigned to themself: they are its requester.
    ticket = tickets.ticket_create(by=ko_agent, title="My laptop", category=category)
    tickets.ticket_assign(ticket=ticket, assignee=ko_agent, by=ko_agent)
    run_worker()
    smtp_server.mails.clear()
    Notification.objects.all().delete()

    tickets.ticket_reply(ticket=ticket, by=en_agent, body="internal", internal=True)
    run_worker()

    assert smtp_server.mails == []
    assert notified(ticket) == []


def test_inactive_users_are_not_told(
    smtp_server, run_worker, ko_requester, en_agent, category
):
    gone = AgentFactory(email="left@school.ac.kr", is_active=False)
    ticket = tickets.ticket_create(by=ko_requester, title="Mouse", category=category)
    run_worker()

    assert gone.email not in smtp_server.recipients
    assert notified(ticket) == sorted([ko_requester.email, en_agent.email])


def test_mails_of_one_ticket_share_one_thread(
    smtp_server, run_worker, ko_requester, en_agent, category
):
    ticket = tickets.ticket_create(by=ko_requester, title="Thread", category=category)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="first")
    tickets.ticket_status_change(ticket=ticket, status="waiting", by=en_agent)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="second")
    UserFactory(email="someone@school.ac.kr")
    run_worker()

    mails = [mail["message"] for mail in smtp_server.mails_to(ko_requester.email)]
    assert len(mails) == 4
    ids = [mail["Message-ID"] for mail in mails]
    assert len(set(ids)) == 4
    assert root_id(ticket) in ids
    for mail in mails:
        if mail["Message-ID"] != root_id(ticket):
            assert mail["In-Reply-To"] == root_id(ticket)
            assert mail["References"] == root_id(ticket)
        assert mail["Subject"].removeprefix("Re: ") == f"[{ticket.reference}] Thread"
