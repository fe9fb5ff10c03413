"""Staff-only kinds: told to the IT team only, and never answerable by mail.

`STAFF_ONLY_KINDS` (notifications/models.py) is the one list: the recipients
keep the requester and CCs out of these kinds, and their mails carry no signed
Reply-To (a reply by mail is a public reply). The mails are read as the real
SMTP server (aiosmtpd on loopback) received them.
"""

import pytest

from inbound import tokens
from notifications import services as notifications
from notifications.models import STAFF_ONLY_KINDS, NotificationKind, is_staff_only
from notifications.recipients import event_recipients
from tickets import services as tickets

from .helpers import html_part, only_mail, text_part

pytestmark = pytest.mark.django_db

DESK = "help@school.ac.kr"

# Every kind, classified by hand: a kind added to NotificationKind fails
# `test_every_kind_is_classified` until it is placed here and, when staff-only,
# in STAFF_ONLY_KINDS.
STAFF_ONLY = {
    NotificationKind.TICKET_CREATED: False,  # also the requester's receipt
    NotificationKind.REPLY_STAFF: False,
    NotificationKind.REPLY_REQUESTER: False,
    NotificationKind.INTERNAL_NOTE: True,
    # Told to the assignee only, but of a fact the requester sees; answering
    # it is answering the ticket, as from a "new ticket" mail.
    NotificationKind.ASSIGNED: False,
    NotificationKind.STATUS_CHANGED: False,
    NotificationKind.SLA_WARNING: True,
    NotificationKind.SLA_BREACH: True,
    NotificationKind.CC_ADDED: False,
    NotificationKind.MERGED: False,
    NotificationKind.INCIDENT_RESOLVED: False,
    NotificationKind.SATISFACTION_BAD: True,
}

NOTICE_EN = (
    "This e-mail is for the IT team only: a reply to it is not added to the "
    "ticket. Write on the ticket page."
)
NOTICE_KO = (
    "이 메일은 IT팀 전용입니다. 이 메일에 답장해도 티켓에 추가되지 않습니다. "
    "티켓 페이지에서 작성해 주세요."
)


@pytest.fixture
def inbound_on(settings):
    settings.INBOUND_REPLY_ADDRESS = DESK
    settings.INBOUND_IMAP_HOST = "127.0.0.1"  # never contacted by these tests
    return settings


def test_every_kind_is_classified():
    assert set(STAFF_ONLY) == set(NotificationKind), (
        "A new notification kind: decide whether it is staff-only "
        "(STAFF_ONLY_KINDS in notifications/models.py) and add it to STAFF_ONLY."
    )
    assert {kind for kind, staff in STAFF_ONLY.items() if staff} == STAFF_ONLY_KINDS


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_only_kinds_that_may_reach_a_requester_invite_a_reply(inbound_on, kind):
    assert is_staff_only(kind) is STAFF_ONLY[kind]
    assert tokens.replies_by_mail(kind) is not STAFF_ONLY[kind]
    assert tokens.notification_reply_to(ticket_id=1, user_id=2, kind=kind) == (
        "" if STAFF_ONLY[kind] else tokens.reply_address(ticket_id=1, user_id=2)
    )


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_no_kind_invites_a_reply_while_inbound_mail_is_off(settings, kind):
    settings.INBOUND_REPLY_ADDRESS = DESK
    settings.INBOUND_IMAP_HOST = ""
    assert not tokens.replies_by_mail(kind)


@pytest.fixture
def ticket(ko_requester, en_agent, ko_agent, category, smtp_server, run_worker):
    """Assigned to `ko_agent`, followed by `en_agent`, with a CC; mails cleared."""
    from accounts.tests.factories import UserFactory

    colleague = UserFactory(email="student3@school.ac.kr", name="박동료")
    ticket = tickets.ticket_create(
        by=ko_requester, title="와이파이 불안정", category=category
    )
    ticket = tickets.ticket_assign(ticket=ticket, assignee=ko_agent, by=en_agent)
    tickets.ticket_follow(ticket=ticket, by=en_agent)
    tickets.ticket_cc_add(ticket=ticket, person=colleague, by=ko_requester)
    run_worker()
    smtp_server.mails.clear()
    ticket.colleague = colleague
    return ticket


def _tell(ticket, kind, *, requester, agent):
    """Queue one event of `kind` as the services would."""
    if kind == NotificationKind.INTERNAL_NOTE:
        tickets.ticket_reply(
            ticket=ticket, by=agent, body="AP 펌웨어 확인", internal=True
        )
        return
    actor = requester if kind == NotificationKind.SATISFACTION_BAD else None
    notifications.notify_ticket_event(
        ticket=ticket, kind=kind, actor=actor, new_value="resolution_due_at"
    )


@pytest.mark.parametrize("kind", sorted(STAFF_ONLY_KINDS))
def test_staff_only_kinds_never_reach_the_requester_or_ccs(
    ticket, kind, ko_requester, ko_agent, en_agent
):
    told = event_recipients(
        ticket=ticket, kind=kind, actor=None, new_value="resolution_due_at"
    )
    emails = {user.email for user in told}
    # The assignee always; followers for notes and ratings (not service levels).
    assert ko_agent.email in emails <= {ko_agent.email, en_agent.email}
    assert ko_requester.email not in emails
    assert ticket.colleague.email not in emails
    public = event_recipients(
        ticket=ticket, kind=NotificationKind.REPLY_STAFF, actor=ko_agent
    )
    assert {ko_requester.email, ticket.colleague.email} <= {u.email for u in public}


@pytest.mark.parametrize("kind", sorted(STAFF_ONLY_KINDS))
def test_a_staff_only_mail_has_no_reply_to_and_says_replies_are_not_added(
    inbound_on, ticket, kind, smtp_server, run_worker, ko_requester, ko_agent, en_agent
):
    _tell(ticket, kind, requester=ko_requester, agent=en_agent)
    run_worker()

    assert not smtp_server.mails_to(ko_requester.email)
    assert not smtp_server.mails_to(ticket.colleague.email)
    message = only_mail(smtp_server, ko_agent.email)
    assert message["Reply-To"] is None
    assert message["From"] == "IT Service Desk <servicedesk@school.ac.kr>"
    assert message["Message-ID"]  # replies still thread, and are refused
    text = text_part(message)
    assert "##-" not in text
    assert "이 메일에 답장하시면" not in text
    assert NOTICE_KO in text
    assert NOTICE_KO in html_part(message)
    followers_told = kind in {NotificationKind.SATISFACTION_BAD}
    assert bool(smtp_server.mails_to(en_agent.email)) is followers_told
    for sent in smtp_server.mails_to(en_agent.email):  # the follower, in English
        assert sent["message"]["Reply-To"] is None
        assert NOTICE_EN in text_part(sent["message"])


def test_a_public_mail_still_invites_a_reply(
    inbound_on, ticket, smtp_server, run_worker, ko_requester, ko_agent
):
    tickets.ticket_reply(ticket=ticket, by=ko_agent, body="공유기를 재부팅해 보세요.")
    run_worker()
    message = only_mail(smtp_server, ko_requester.email)
    assert message["Reply-To"] == tokens.reply_address(
        ticket_id=ticket.pk, user_id=ko_requester.pk
    )
    text = text_part(message)
    assert text.startswith("##- 이 줄 위에 답장을 써 주세요 -##")
    assert "이 메일에 답장하시면 답장 내용이 티켓에 추가됩니다." in text
    assert NOTICE_KO not in text


def test_without_inbound_mail_a_staff_only_mail_says_nothing_of_replies(
    settings, ticket, smtp_server, run_worker, ko_requester, ko_agent, en_agent
):
    settings.INBOUND_REPLY_ADDRESS = ""
    settings.INBOUND_IMAP_HOST = ""
    _tell(ticket, NotificationKind.SLA_BREACH, requester=ko_requester, agent=en_agent)
    run_worker()
    message = only_mail(smtp_server, ko_agent.email)
    assert message["Reply-To"] is None
    assert NOTICE_KO not in text_part(message)
