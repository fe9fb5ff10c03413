"""`manage.py fetch_mail` against a real Dovecot: tickets, replies, noise, failures."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from attachments.models import Attachment
from inbound import services, tokens
from inbound.models import InboundMessage, InboundStatus
from notifications.models import OutboundEmail, OutboundEmailStatus
from tickets import services as ticket_services
from tickets.models import Category, Comment, Status, Ticket

from .conftest import DESK
from .mails import mail

pytestmark = pytest.mark.django_db


def fetch():
    call_command("fetch_mail", "--once", verbosity=0)


def _ticket(requester, title="와이파이 불안정"):
    return ticket_services.ticket_create(
        by=requester,
        title=title,
        description="기숙사 3층",
        category=Category.objects.get(slug="network"),
    )


def _sent_to(user, ticket, message_id):
    """An outbox row as the worker leaves it after sending."""
    return OutboundEmail.objects.create(
        recipient=user,
        to_address=user.email,
        language="ko",
        kind="reply_staff",
        ticket=ticket,
        subject=f"Re: [{ticket.reference}] {ticket.title}",
        message_id=message_id,
        status=OutboundEmailStatus.SENT,
    )


# --- New tickets -----------------------------------------------------------------


def test_mail_from_a_requester_opens_a_ticket(mailbox, requester):
    mailbox.append(
        mail(
            subject="프린터가 안 돼요",
            body="3층 프린터에서 인쇄가 안 됩니다.",
            attachments=[("오류 화면.png", "image/png", b"\x89PNG fake")],
        )
    )
    fetch()

    ticket = Ticket.objects.get()
    assert ticket.requester == requester
    assert ticket.title == "프린터가 안 돼요"
    assert ticket.description == "3층 프린터에서 인쇄가 안 됩니다."
    assert ticket.category.slug == "other"
    public = Attachment.objects.get(ticket=ticket, internal=False)
    assert (public.filename, public.uploader) == ("오류 화면.png", requester)
    original = Attachment.objects.get(ticket=ticket, internal=True)
    assert original.filename.endswith(".eml")
    # The receipt goes out as for any new ticket.
    assert OutboundEmail.objects.filter(
        recipient=requester, ticket=ticket, kind="ticket_created"
    ).exists()
    record = InboundMessage.objects.get()
    assert (record.status, record.ticket, record.user) == (
        InboundStatus.CREATED,
        ticket,
        requester,
    )
    assert mailbox.folder_count("INBOX") == 0
    assert mailbox.folder_count("Processed") == 1
    assert mailbox.seen_count("Processed") == 1


def test_category_alias_sets_the_category(mailbox, requester, settings):
    settings.INBOUND_CATEGORY_ALIASES = {"wifi@school.ac.kr": "network"}
    mailbox.append(mail(to="WiFi@school.ac.kr"))
    fetch()
    assert Ticket.objects.get().category.slug == "network"


def test_html_only_mail_becomes_a_text_description(mailbox, requester):
    raw = (
        b"From: student1@school.ac.kr\r\nTo: help@school.ac.kr\r\nSubject: html\r\n"
        b"Message-ID: <html-only@x>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + "<p>모니터가</p><p>꺼져요<script>alert(1)</script></p>".encode()
    )
    mailbox.append(raw)
    fetch()
    assert Ticket.objects.get().description == "모니터가\n\n꺼져요"


# --- Replies ---------------------------------------------------------------------


def test_reply_to_the_signed_address_adds_a_public_reply(mailbox, requester, agent):
    ticket = _ticket(requester)
    address = tokens.reply_address(ticket_id=ticket.pk, user_id=requester.pk)
    mailbox.append(
        mail(
            to=address,
            subject="Re: 아무 제목",
            body="다시 해 봤는데 그대로예요.\n\nOn Mon, 30 Nov 2026, IT <help@school.ac.kr> wrote:\n> 공유기를 껐다 켜 보세요",
        )
    )
    fetch()

    comment = Comment.objects.get(ticket=ticket, internal=False)
    assert comment.author == requester
    assert comment.body == "다시 해 봤는데 그대로예요."
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.get().status == InboundStatus.REPLIED


def test_reply_naming_a_message_id_sent_to_the_sender_joins(mailbox, requester):
    ticket = _ticket(requester)
    _sent_to(requester, ticket, "<ticket-1.abc@school.ac.kr>")
    mailbox.append(
        mail(
            subject="답장",
            body="감사합니다, 해결됐어요.",
            headers={
                "In-Reply-To": "<ticket-1.abc@school.ac.kr>",
                "References": "<ticket-1.abc@school.ac.kr>",
            },
        )
    )
    fetch()
    assert Comment.objects.get(ticket=ticket).body == "감사합니다, 해결됐어요."
    assert Ticket.objects.count() == 1


def test_staff_reply_by_mail_is_a_public_reply(mailbox, requester, agent):
    ticket = _ticket(requester)
    address = tokens.reply_address(ticket_id=ticket.pk, user_id=agent.pk)
    mailbox.append(mail(sender=agent.email, to=address, body="AP를 교체했습니다."))
    fetch()
    comment = Comment.objects.get(ticket=ticket)
    assert (comment.author, comment.internal) == (agent, False)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.first_responded_at is not None


def test_reply_all_from_a_stranger_opens_their_own_ticket(
    mailbox, requester, other_requester
):
    """Zammad #5064, osTicket #1426: the subject and the thread name a ticket
    of someone else; the stranger's mail must not land there."""
    ticket = _ticket(requester, title="성적 이의신청 관련")
    _sent_to(requester, ticket, "<ticket-x.1@school.ac.kr>")
    address = tokens.reply_address(ticket_id=ticket.pk, user_id=requester.pk)
    mailbox.append(
        mail(
            sender=other_requester.email,
            to=f"{address}, {requester.email}",
            subject=f"Re: [{ticket.reference}] 성적 이의신청 관련",
            body="저도 같은 문제가 있어요.",
            headers={"References": "<ticket-x.1@school.ac.kr>"},
        )
    )
    fetch()

    assert not Comment.objects.filter(ticket=ticket).exists()
    theirs = Ticket.objects.exclude(pk=ticket.pk).get()
    assert theirs.requester == other_requester
    assert theirs.description == "저도 같은 문제가 있어요."
    assert not Ticket.objects.visible_to(other_requester).filter(pk=ticket.pk).exists()


def test_subject_reference_alone_never_joins(mailbox, requester):
    ticket = _ticket(requester)
    mailbox.append(mail(subject=f"Re: [{ticket.reference}] 와이파이", body="추가 질문"))
    fetch()
    assert not Comment.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.count() == 2


def test_forged_token_opens_a_new_ticket(mailbox, requester):
    ticket = _ticket(requester)
    good = tokens.reply_address(ticket_id=ticket.pk, user_id=requester.pk)
    local, domain = good.split("@")
    forged = f"{local[:-2]}xx@{domain}"
    mailbox.append(mail(to=forged, body="위조된 주소"))
    fetch()
    assert not Comment.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.count() == 2


def test_reply_to_a_closed_ticket_opens_a_new_one(mailbox, requester):
    ticket = _ticket(requester)
    ticket_services.ticket_close(ticket=ticket, by=requester)
    address = tokens.reply_address(ticket_id=ticket.pk, user_id=requester.pk)
    mailbox.append(mail(to=address, body="다시 안 돼요"))
    fetch()
    assert not Comment.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.exclude(pk=ticket.pk).get().requester == requester


def test_reply_to_an_internal_note_mail_is_refused(mailbox, requester, agent):
    ticket = _ticket(requester)
    row = _sent_to(agent, ticket, "<ticket-note.1@school.ac.kr>")
    OutboundEmail.objects.filter(pk=row.pk).update(kind="internal_note")
    mailbox.append(
        mail(
            sender=agent.email,
            body="내부 메모에 대한 답",
            headers={"In-Reply-To": "<ticket-note.1@school.ac.kr>"},
        )
    )
    fetch()
    assert not Comment.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.get().status == InboundStatus.REJECTED


# --- Duplicates, noise, senders ---------------------------------------------------


def test_a_mail_fetched_twice_creates_once(mailbox, requester):
    raw = mail(message_id="<same@mail.school.ac.kr>")
    mailbox.append(raw)
    fetch()
    mailbox.append(raw)  # delivered again, or put back by hand
    mailbox.append(raw)
    fetch()
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert mailbox.folder_count("INBOX") == 0
    assert mailbox.folder_count("Processed") == 3


@pytest.mark.parametrize(
    "changes",
    [
        {"headers": {"Auto-Submitted": "auto-replied"}},
        {"headers": {"Auto-Submitted": "auto-generated"}},
        {"headers": {"Precedence": "bulk"}},
        {"headers": {"Precedence": "junk"}},
        {"headers": {"Precedence": "list"}},
        {"headers": {"X-Autoreply": "yes"}},
        {"headers": {"Return-Path": "<>"}},
        {"sender": "MAILER-DAEMON@school.ac.kr"},
        {"sender": "postmaster@school.ac.kr"},
        {"sender": DESK},
        {"sender": "servicedesk@localhost"},
    ],
)
def test_auto_replies_bounces_and_loops_create_nothing(mailbox, requester, changes):
    mailbox.append(mail(**changes))
    fetch()
    assert not Ticket.objects.exists()
    assert InboundMessage.objects.get().status == InboundStatus.IGNORED
    assert mailbox.folder_count("Processed") == 1


def test_delivery_report_creates_nothing(mailbox, requester):
    raw = (
        b"From: Mail Delivery System <mailer@relay.school.ac.kr>\r\n"
        b"To: help@school.ac.kr\r\nSubject: Undelivered Mail\r\nMessage-ID: <dsn@x>\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\r\n\r\n'
        b"--R\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n"
        b"--R\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--R--\r\n"
    )
    mailbox.append(raw)
    fetch()
    assert not Ticket.objects.exists()
    assert InboundMessage.objects.get().status == InboundStatus.IGNORED


def test_auto_submitted_no_is_a_person(mailbox, requester):
    mailbox.append(mail(headers={"Auto-Submitted": "no"}))
    fetch()
    assert Ticket.objects.count() == 1


def test_unknown_sender_is_rejected_by_default(mailbox):
    mailbox.append(mail(sender="stranger@school.ac.kr"))
    fetch()
    assert not Ticket.objects.exists()
    record = InboundMessage.objects.get()
    assert record.status == InboundStatus.REJECTED
    assert "No account" in record.reason
    assert mailbox.folder_count("Processed") == 1


def test_unknown_sender_of_an_allowed_domain_gets_an_account(mailbox, settings):
    from accounts.models import User

    settings.INBOUND_UNKNOWN_SENDERS = "create"
    settings.INBOUND_ALLOWED_DOMAINS = ["school.ac.kr"]
    mailbox.append(mail(sender="신입생 <Freshman@School.ac.kr>"))
    mailbox.append(mail(sender="someone@gmail.com"))
    fetch()
    user = User.objects.by_email("freshman@school.ac.kr").get()
    assert (user.name, user.role, user.has_usable_password()) == (
        "신입생",
        "requester",
        False,
    )
    assert Ticket.objects.get().requester == user
    rejected = InboundMessage.objects.get(status=InboundStatus.REJECTED)
    assert rejected.sender == "someone@gmail.com"


def test_deactivated_sender_is_rejected(mailbox, requester, settings):
    settings.INBOUND_UNKNOWN_SENDERS = "create"
    settings.INBOUND_ALLOWED_DOMAINS = ["school.ac.kr"]
    requester.is_active = False
    requester.save()
    mailbox.append(mail())
    fetch()
    assert not Ticket.objects.exists()
    assert InboundMessage.objects.get().status == InboundStatus.REJECTED


def test_a_sender_over_the_rate_limit_is_dropped(mailbox, requester, settings):
    settings.INBOUND_RATE_LIMIT = 2
    for _ in range(3):
        mailbox.append(mail())
    fetch()
    assert Ticket.objects.count() == 2
    assert InboundMessage.objects.filter(status=InboundStatus.RATE_LIMITED).count() == 1


# --- Attachments ------------------------------------------------------------------


def test_attachment_over_the_limit_is_listed_in_an_internal_note(
    mailbox, requester, settings
):
    settings.ATTACHMENT_MAX_BYTES = 4000
    mailbox.append(
        mail(
            attachments=[
                ("작은 파일.txt", "text/plain", b"ok"),
                ("큰 파일.pdf", "application/pdf", b"%PDF" + b"x" * 5000),
                ("virus.exe", "application/x-msdownload", b"MZ"),
            ]
        )
    )
    fetch()

    ticket = Ticket.objects.get()
    names = set(
        Attachment.objects.filter(ticket=ticket).values_list("filename", flat=True)
    )
    assert names == {"작은 파일.txt"}
    note = Comment.objects.get(ticket=ticket, internal=True)
    assert "큰 파일.pdf" in note.body
    assert "virus.exe" in note.body
    # The original is too large to keep as well: the note says so.
    assert ".eml" not in " ".join(names)
    assert "원본" in note.body or "original" in note.body.lower()
    assert not Comment.objects.visible_to(requester).filter(internal=True).exists()


# --- Malformed mail and legacy charsets ---------------------------------------------


def _legacy_corpus():
    b64 = __import__("base64").b64encode
    return {
        "euc-kr undeclared": b"From: "
        + "김학생".encode("euc-kr")
        + b" <student1@school.ac.kr>\r\nTo: help@school.ac.kr\r\n"
        b"Message-ID: <legacy-1@x>\r\nSubject: "
        + "무선랜 접속 불가".encode("euc-kr")
        + b"\r\n\r\n"
        + "기숙사 무선랜이 안 됩니다.".encode("euc-kr"),
        "cp949": b"From: student1@school.ac.kr\r\nTo: help@school.ac.kr\r\n"
        b"Message-ID: <legacy-2@x>\r\nSubject: =?ks_c_5601-1987?B?"
        + b64("똠방 프린터".encode("cp949"))
        + b"?=\r\nContent-Type: text/plain; charset=ks_c_5601-1987\r\n\r\n"
        + "햏 용지 걸림".encode("cp949"),
        "iso-2022-kr": b"From: student1@school.ac.kr\r\nTo: help@school.ac.kr\r\n"
        b"Message-ID: <legacy-3@x>\r\nSubject: =?ISO-2022-KR?B?"
        + b64("계정 잠김".encode("iso2022_kr"))
        + b"?=\r\nContent-Type: text/plain; charset=ISO-2022-KR\r\n\r\n"
        + "계정이 잠겼어요".encode("iso2022_kr"),
        "rfc2231 file name": mail(
            message_id="<legacy-4@x>",
            subject="첨부 파일",
            attachments=[("한글 보고서.pdf", "application/pdf", b"%PDF-1")],
        ),
        "rfc2047 file name": b"From: student1@school.ac.kr\r\nTo: help@school.ac.kr\r\n"
        b'Message-ID: <legacy-5@x>\r\nSubject: hwp\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhwp file\r\n"
        b'--B\r\nContent-Type: application/x-hwp; name="=?EUC-KR?B?'
        + b64("과제.hwp".encode("euc-kr"))
        + b'?="\r\nContent-Transfer-Encoding: base64\r\n\r\nSFdQ\r\n--B--\r\n',
    }


MALFORMED = {
    "header-less junk": b"\r\n\r\n\x00\x01 garbage \xff\xfe",
    "no from": b"Subject: nobody\r\nMessage-ID: <nofrom@x>\r\n\r\nbody",
    "bad from": b"From: ???\r\nSubject: x\r\nMessage-ID: <badfrom@x>\r\n\r\nbody",
}


def test_corpus_of_malformed_and_legacy_charset_mails(mailbox, requester, admin_user):
    corpus = _legacy_corpus()
    for raw in [*corpus.values(), *MALFORMED.values()]:
        mailbox.append(raw)
    fetch()  # --once ends normally (exit status 0) despite the broken ones

    titles = set(Ticket.objects.values_list("title", flat=True))
    assert titles == {
        "무선랜 접속 불가",
        "똠방 프린터",
        "계정 잠김",
        "첨부 파일",
        "hwp",
    }
    assert Ticket.objects.get(title="무선랜 접속 불가").description == (
        "기숙사 무선랜이 안 됩니다."
    )
    assert Ticket.objects.get(title="똠방 프린터").description == "햏 용지 걸림"
    assert Ticket.objects.get(title="계정 잠김").description == "계정이 잠겼어요"
    public = set(
        Attachment.objects.filter(internal=False).values_list("filename", flat=True)
    )
    assert public == {"한글 보고서.pdf", "과제.hwp"}

    failed = InboundMessage.objects.filter(status=InboundStatus.FAILED)
    assert failed.count() == len(MALFORMED)
    assert all(record.reason for record in failed)
    assert mailbox.folder_count("Errors") == len(MALFORMED)
    assert mailbox.folder_count("Processed") == len(corpus)
    assert mailbox.folder_count("INBOX") == 0

    # The admin shows each failure with its reason.
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/inbound/inboundmessage/?status=failed")
    assert page.status_code == 200
    assert "no usable From address" in page.content.decode()


# --- The server going away ------------------------------------------------------------


def test_server_going_away_mid_run_loses_nothing(mailbox, requester, monkeypatch):
    for n in range(4):
        mailbox.append(mail(subject=f"문의 {n}", message_id=f"<away-{n}@x>"))
    real = services.inbound_message_process
    handled = []

    def process_then_die(*, raw):
        result = real(raw=raw)
        handled.append(result)
        if len(handled) == 2:
            mailbox.stop()  # after the 2nd commit, before it is moved
        return result

    monkeypatch.setattr(services, "inbound_message_process", process_then_die)
    with pytest.raises(CommandError, match="cannot be reached"):
        fetch()
    assert Ticket.objects.count() == 2

    monkeypatch.setattr(services, "inbound_message_process", real)
    with pytest.raises(CommandError, match="cannot be reached"):
        fetch()  # still down: nothing happens, nothing breaks
    mailbox.start()
    fetch()

    titles = sorted(Ticket.objects.values_list("title", flat=True))
    assert titles == ["문의 0", "문의 1", "문의 2", "문의 3"]
    assert mailbox.folder_count("INBOX") == 0
    assert mailbox.folder_count("Processed") == 4


# --- The round trip with our own notification mails ---------------------------------


def _last_mail_to(user):
    from django.core import mail as sent_mail

    from notifications import outbox

    outbox.process_batch()
    return [m for m in sent_mail.outbox if m.to == [user.email]][-1]


def test_notification_mails_invite_a_reply_in_the_recipients_language(
    mailbox, requester, agent
):
    agent.language = "en"
    agent.save()
    ticket = _ticket(requester)
    receipt = _last_mail_to(requester)
    assert receipt.extra_headers["Reply-To"] == tokens.reply_address(
        ticket_id=ticket.pk, user_id=requester.pk
    )
    assert receipt.body.startswith("##- 이 줄 위에 답장을 써 주세요 -##")
    assert "이 메일에 답장하시면 답장 내용이 티켓에 추가됩니다." in receipt.body
    html = receipt.alternatives[0][0]
    assert "이 메일에 답장하시면" in html
    to_agent = _last_mail_to(agent)
    assert "You can reply to this e-mail" in to_agent.body
    assert to_agent.extra_headers["Reply-To"].startswith("help+")


def test_internal_note_mails_do_not_invite_a_reply(
    mailbox, requester, agent, other_agent
):
    ticket = _ticket(requester)
    ticket_services.ticket_assign(ticket=ticket, assignee=other_agent, by=agent)
    ticket_services.ticket_reply(
        ticket=ticket, by=agent, body="AP 펌웨어 확인 필요", internal=True
    )
    note = _last_mail_to(other_agent)
    assert "AP 펌웨어 확인 필요" in note.body
    assert "Reply-To" not in note.extra_headers
    assert "##-" not in note.body


def test_inbound_off_means_no_reply_to(requester, settings):
    settings.INBOUND_IMAP_HOST = ""
    settings.INBOUND_REPLY_ADDRESS = "help@school.ac.kr"
    _ticket(requester)
    receipt = _last_mail_to(requester)
    assert "Reply-To" not in receipt.extra_headers
    assert "##-" not in receipt.body


def test_answering_a_real_notification_mail_adds_the_reply(mailbox, requester, agent):
    ticket = _ticket(requester)
    ticket_services.ticket_reply(
        ticket=ticket, by=agent, body="공유기를 재부팅해 보세요."
    )
    sent = _last_mail_to(requester)
    quoted = "\n".join(f"> {line}" for line in sent.body.splitlines())
    mailbox.append(
        mail(
            to=sent.extra_headers["Reply-To"],
            subject=f"Re: {sent.subject}",
            body=f"재부팅했더니 됩니다.\n\n{quoted}",
            headers={"In-Reply-To": sent.extra_headers["Message-ID"]},
        )
    )
    fetch()
    comment = Comment.objects.get(ticket=ticket, author=requester)
    assert comment.body == "재부팅했더니 됩니다."


def test_answering_by_references_alone_adds_the_reply(mailbox, requester, agent):
    ticket = _ticket(requester)
    ticket_services.ticket_reply(ticket=ticket, by=agent, body="확인 부탁드립니다.")
    sent = _last_mail_to(requester)
    mailbox.append(
        mail(
            to=DESK,  # a mail program that ignored Reply-To
            subject="다른 제목",
            body="확인했습니다.\n\n-----Original Message-----\n" + sent.body,
            headers={
                "References": f"{sent.extra_headers['References']} "
                f"{sent.extra_headers['Message-ID']}"
            },
        )
    )
    fetch()
    assert Comment.objects.get(ticket=ticket, author=requester).body == "확인했습니다."
    assert Ticket.objects.count() == 1


# --- Failures while handling, and the command itself ---------------------------------


def test_storage_down_leaves_the_mail_for_the_next_run(mailbox, requester, monkeypatch):
    from attachments import services as attachment_services
    from attachments.storage import StorageUnavailable

    real = attachment_services.attachment_upload

    def storage_down(**kwargs):
        raise StorageUnavailable("object storage unreachable")

    monkeypatch.setattr(attachment_services, "attachment_upload", storage_down)
    mailbox.append(mail())
    fetch()
    assert not Ticket.objects.exists()
    assert not InboundMessage.objects.exists()
    assert mailbox.folder_count("INBOX") == 1

    monkeypatch.setattr(attachment_services, "attachment_upload", real)
    fetch()
    assert Ticket.objects.count() == 1
    assert mailbox.folder_count("INBOX") == 0


def test_an_unexpected_error_files_the_mail_as_failed_and_the_run_goes_on(
    mailbox, requester, monkeypatch
):
    real = ticket_services.ticket_create

    def fail_once(**kwargs):
        if kwargs["title"] == "고장":
            raise RuntimeError("boom")
        return real(**kwargs)

    monkeypatch.setattr(ticket_services, "ticket_create", fail_once)
    mailbox.append(mail(subject="고장", message_id="<boom@x>"))
    mailbox.append(mail(subject="정상", message_id="<fine@x>"))
    fetch()
    assert list(Ticket.objects.values_list("title", flat=True)) == ["정상"]
    failed = InboundMessage.objects.get(status=InboundStatus.FAILED)
    assert (failed.message_id, failed.reason) == ("<boom@x>", "RuntimeError: boom")
    assert mailbox.folder_count("Errors") == 1

    # Put back in the inbox once fixed, it is handled (a failure is retried).
    monkeypatch.setattr(ticket_services, "ticket_create", real)
    mailbox.append(mail(subject="고장", message_id="<boom@x>"))
    fetch()
    assert InboundMessage.objects.get(message_id="<boom@x>").status == "created"


def test_the_polling_loop_handles_mail_until_stopped(mailbox, requester, monkeypatch):
    from inbound.management.commands.fetch_mail import Command

    def stop_after_first_round(self, seconds):
        assert seconds == 0.5
        self._stopping = True

    monkeypatch.setattr(Command, "_sleep", stop_after_first_round)
    # The test's own database connection must stay open.
    monkeypatch.setattr(
        "inbound.management.commands.fetch_mail.close_old_connections", lambda: None
    )
    mailbox.append(mail())
    call_command("fetch_mail", interval=0.5, verbosity=0)
    assert Ticket.objects.count() == 1


def test_once_without_a_mailbox_says_inbound_mail_is_off(settings):
    settings.INBOUND_IMAP_HOST = ""
    with pytest.raises(CommandError, match="Inbound e-mail is off"):
        fetch()


def test_a_wrong_password_is_a_clear_error(mailbox, settings):
    settings.INBOUND_IMAP_PASSWORD = "wrong"
    with pytest.raises(CommandError, match="cannot be reached"):
        fetch()
