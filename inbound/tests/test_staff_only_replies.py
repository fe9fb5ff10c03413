"""Answers to staff-only mails never become public: real SMTP out, real IMAP in.

Internal notes, service-level warnings and breaches and "not good" ratings
(`notifications.models.STAFF_ONLY_KINDS`) are mailed to the IT team only, with
no signed Reply-To. A mail that still answers one (an old Reply-To token,
In-Reply-To, or any References entry naming its Message-ID) is refused: it
becomes neither a reply nor a ticket, and nobody is told of it. The mails are
the ones the aiosmtpd server on loopback received; the answers go through a
private Dovecot and `manage.py fetch_mail`.
"""

import pytest
from django.core.management import call_command

from inbound import tokens
from inbound.models import InboundMessage, InboundStatus
from notifications import services as notifications
from notifications.models import NotificationKind
from notifications.tests.helpers import text_part
from tickets import services as ticket_services
from tickets.models import Category, Comment, Status, Ticket

from .mails import mail

pytestmark = pytest.mark.django_db

NOTE = "AP 펌웨어 버그: 요청자가 계속 재오픈함, 월요일까지 무시"
SECRET = "Requester keeps reopening this, ignore until Monday."


def fetch():
    call_command("fetch_mail", "--once", verbosity=0)


@pytest.fixture
def ticket(mailbox, smtp_server, run_worker, requester, agent, other_agent):
    """Assigned to `other_agent` by `agent`; every mail so far sent and kept."""
    ticket = ticket_services.ticket_create(
        by=requester,
        title="와이파이 불안정",
        description="기숙사 3층",
        category=Category.objects.get(slug="network"),
    )
    ticket = ticket_services.ticket_assign(
        ticket=ticket, assignee=other_agent, by=agent
    )
    run_worker()
    return ticket


def last_mail_to(server, user):
    mails = server.mails_to(user.email)
    assert mails, f"no mail to {user.email}"
    return mails[-1]["message"]


def quoted(message) -> str:
    """The mail quoted as a mail program quotes it, with nothing above."""
    lines = "\n".join(f"> {line}" for line in text_part(message).splitlines())
    return f"On Mon, 30 Nov 2026, IT Service Desk <servicedesk@school.ac.kr> wrote:\n{lines}"


def assert_nothing_public(ticket, *, requester, smtp_server, run_worker, text):
    """Refused: no comment, no ticket, no mail to the requester, `text` nowhere."""
    record = InboundMessage.objects.get()
    assert record.status == InboundStatus.REJECTED
    assert "staff-only" in record.reason
    assert record.comment is None
    assert not Comment.objects.filter(ticket=ticket, internal=False).exists()
    assert Ticket.objects.count() == 1
    assert not Comment.objects.filter(internal=False, body__contains=text).exists()
    assert not Ticket.objects.filter(description__contains=text).exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS  # as the assignment left it
    assert ticket.first_responded_at is None  # no staff reply was counted
    smtp_server.mails.clear()
    run_worker()
    assert not smtp_server.mails_to(requester.email)


# --- Internal notes ------------------------------------------------------------------


@pytest.mark.parametrize("above", ["", "확인했습니다. 월요일에 보죠.\n\n"])
@pytest.mark.parametrize("address", ["desk", "token"])
def test_a_reply_threading_only_by_references_to_a_note_mail_is_not_posted(
    mailbox,
    ticket,
    above,
    address,
    smtp_server,
    run_worker,
    requester,
    agent,
    other_agent,
):
    """The reviewer's case: no In-Reply-To, References only (the ticket's root,
    which alone would join the ticket, and the note's mail); the text is only
    the quoted note, or a line above it."""
    created = smtp_server.mails_to(other_agent.email)[0]["message"]
    ticket_services.ticket_reply(ticket=ticket, by=agent, body=NOTE, internal=True)
    run_worker()
    note = last_mail_to(smtp_server, other_agent)
    assert NOTE in text_part(note) and note["Reply-To"] is None
    to = note["From"] if address == "desk" else created["Reply-To"]
    answer = mail(
        sender=other_agent.email,
        to=to,
        subject=f"Re: {note['Subject']}",
        body=above + quoted(note),
        headers={"References": f"{note['References']} {note['Message-ID']}"},
    )
    mailbox.append(answer)
    fetch()

    assert_nothing_public(
        ticket,
        requester=requester,
        smtp_server=smtp_server,
        run_worker=run_worker,
        text=NOTE,
    )
    assert "internal_note" in InboundMessage.objects.get().reason
    # The note itself is still there, internal.
    assert Comment.objects.get(ticket=ticket, internal=True).body == NOTE


def test_naming_a_note_mail_sent_to_someone_else_is_refused_too(
    mailbox, ticket, smtp_server, run_worker, requester, agent, other_agent
):
    """A forwarded note answered by its new reader: the quote is the team's,
    whoever the note's mail went to; even the requester's own token does not
    let it in."""
    receipt = smtp_server.mails_to(requester.email)[0]["message"]
    ticket_services.ticket_reply(ticket=ticket, by=agent, body=NOTE, internal=True)
    run_worker()
    note = last_mail_to(smtp_server, other_agent)
    mailbox.append(
        mail(
            sender=requester.email,
            to=receipt["Reply-To"],
            body="이게 무슨 뜻인가요?\n\n" + quoted(note),
            headers={
                "In-Reply-To": receipt["Message-ID"],
                "References": f"{receipt['Message-ID']} {note['Message-ID']}",
            },
        )
    )
    fetch()
    assert_nothing_public(
        ticket,
        requester=requester,
        smtp_server=smtp_server,
        run_worker=run_worker,
        text=NOTE,
    )


def test_a_note_mail_named_deep_in_a_long_references_list_is_refused_too(
    mailbox, ticket, smtp_server, run_worker, requester, agent, other_agent
):
    """Any References entry counts, not only the first ones thread matching reads."""
    created = smtp_server.mails_to(other_agent.email)[0]["message"]
    ticket_services.ticket_reply(ticket=ticket, by=agent, body=NOTE, internal=True)
    run_worker()
    note = last_mail_to(smtp_server, other_agent)
    between = " ".join(f"<chat-{n}@mail.school.ac.kr>" for n in range(60))
    mailbox.append(
        mail(
            sender=other_agent.email,
            to=created["Reply-To"],
            body=SECRET,
            headers={
                "In-Reply-To": created["Message-ID"],
                "References": f"{note['Message-ID']} {between} {created['Message-ID']}",
            },
        )
    )
    fetch()
    assert_nothing_public(
        ticket,
        requester=requester,
        smtp_server=smtp_server,
        run_worker=run_worker,
        text=SECRET,
    )


# --- Service levels and ratings ----------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        NotificationKind.SLA_BREACH,
        NotificationKind.SLA_WARNING,
        NotificationKind.SATISFACTION_BAD,
    ],
)
@pytest.mark.parametrize("threading", ["in-reply-to", "references", "quote-only"])
def test_a_reply_to_a_staff_only_mail_by_an_old_reply_to_token_is_not_public(
    mailbox, ticket, kind, threading, smtp_server, run_worker, requester, other_agent
):
    """Mails sent before the fix carried the signed Reply-To: an answer to one
    can still arrive at that token. It names the mail it answers, and is refused."""
    actor = requester if kind == NotificationKind.SATISFACTION_BAD else None
    notifications.notify_ticket_event(
        ticket=ticket, kind=kind, actor=actor, new_value="resolution_due_at"
    )
    run_worker()
    sent = last_mail_to(smtp_server, other_agent)
    assert sent["Reply-To"] is None  # no longer invites one
    old_token = tokens.reply_address(ticket_id=ticket.pk, user_id=other_agent.pk)
    headers = {
        "in-reply-to": {"In-Reply-To": sent["Message-ID"]},
        "references": {"References": f"{sent['References']} {sent['Message-ID']}"},
        "quote-only": {
            "In-Reply-To": sent["Message-ID"],
            "References": f"{sent['References']} {sent['Message-ID']}",
        },
    }[threading]
    body = quoted(sent) if threading == "quote-only" else SECRET
    # What the staff-only mail says ("SD-… is past its resolution target.").
    headline = next(
        line for line in text_part(sent).splitlines() if ticket.reference in line
    )
    mailbox.append(
        mail(sender=other_agent.email, to=old_token, body=body, headers=headers)
    )
    fetch()

    assert_nothing_public(
        ticket,
        requester=requester,
        smtp_server=smtp_server,
        run_worker=run_worker,
        text=SECRET if threading != "quote-only" else headline,
    )
    assert kind in InboundMessage.objects.get().reason


# --- Public mails: unchanged ---------------------------------------------------------


def test_a_staff_reply_to_a_public_mail_is_still_a_public_reply(
    mailbox, ticket, smtp_server, run_worker, requester, other_agent
):
    created = smtp_server.mails_to(other_agent.email)[0]["message"]
    assert created["Reply-To"] == tokens.reply_address(
        ticket_id=ticket.pk, user_id=other_agent.pk
    )
    mailbox.append(
        mail(
            sender=other_agent.email,
            to=created["Reply-To"],
            body="AP를 교체했습니다.\n\n" + quoted(created),
            headers={"In-Reply-To": created["Message-ID"]},
        )
    )
    fetch()

    record = InboundMessage.objects.get()
    assert record.status == InboundStatus.REPLIED
    comment = Comment.objects.get(ticket=ticket)
    assert (comment.author, comment.internal, comment.body) == (
        other_agent,
        False,
        "AP를 교체했습니다.",
    )
    smtp_server.mails.clear()
    run_worker()
    told = last_mail_to(smtp_server, requester)
    assert "AP를 교체했습니다." in text_part(told)


def test_a_requester_reply_by_references_alone_is_still_added(
    mailbox, ticket, smtp_server, run_worker, requester, other_agent
):
    ticket_services.ticket_reply(ticket=ticket, by=other_agent, body="재부팅해 보세요.")
    run_worker()
    sent = last_mail_to(smtp_server, requester)
    mailbox.append(
        mail(
            to=sent["From"],  # a mail program that ignored Reply-To
            body="재부팅했더니 됩니다.\n\n" + quoted(sent),
            headers={"References": f"{sent['References']} {sent['Message-ID']}"},
        )
    )
    fetch()
    assert InboundMessage.objects.get().status == InboundStatus.REPLIED
    comment = Comment.objects.get(ticket=ticket, author=requester)
    assert (comment.internal, comment.body) == (False, "재부팅했더니 됩니다.")
