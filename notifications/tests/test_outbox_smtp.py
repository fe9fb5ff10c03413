"""Reliable delivery over real SMTP: outages, refusals, bad input, dead workers."""

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import AgentFactory
from notifications import outbox
from notifications.models import Notification, OutboundEmail, OutboundEmailStatus
from tickets import services as tickets
from tickets.models import Comment, Ticket

from .helpers import only_mail, text_part

pytestmark = pytest.mark.django_db

Status = OutboundEmailStatus


def statuses():
    return dict(OutboundEmail.objects.values_list("to_address", "status"))


def test_mail_waits_while_smtp_is_down_and_goes_exactly_once_when_it_is_back(
    smtp_down, run_worker, ko_requester, en_agent, ko_agent, category
):
    ticket = tickets.ticket_create(by=ko_requester, title="Outage", category=category)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="Looking into it")
    before = timezone.now()

    run_worker()

    rows = list(OutboundEmail.objects.all())
    assert len(rows) == 4
    for row in rows:
        assert row.status == Status.PENDING
        assert row.attempts == 1
        assert row.next_attempt_at >= before + timedelta(seconds=60)
        assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert Ticket.objects.filter(pk=ticket.pk).exists()

    # Not due yet: a second run right away does not hammer the server.
    run_worker()
    assert set(OutboundEmail.objects.values_list("attempts", flat=True)) == {1}

    smtp_down.start()
    counts = outbox.process_batch(now=timezone.now() + timedelta(hours=1))
    assert counts == {"sent": 4, "failed": 0, "deferred": 0, "dropped": 0, "claimed": 4}
    run_worker()
    outbox.process_batch(now=timezone.now() + timedelta(days=1))

    assert set(statuses().values()) == {Status.SENT}
    assert len(smtp_down.mails) == 4
    assert len(smtp_down.mails_to(ko_requester.email)) == 2
    assert len(smtp_down.mails_to(en_agent.email)) == 1
    assert len(smtp_down.mails_to(ko_agent.email)) == 1
    message_ids = [mail["message"]["Message-ID"] for mail in smtp_down.mails]
    # The three creation mails are the thread's root; the reply has its own id.
    assert len(set(message_ids)) == 2
    sent = OutboundEmail.objects.get(to_address=en_agent.email)
    assert sent.sent_at is not None
    assert sent.last_error == ""


def test_back_off_doubles_and_gives_up_visibly_after_the_last_attempt(
    smtp_down, settings, ko_requester, category
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    settings.NOTIFICATIONS_BACKOFF_BASE_SECONDS = 30
    tickets.ticket_create(by=ko_requester, title="Backoff", category=category)
    row = OutboundEmail.objects.get()

    now = timezone.now()
    delays = []
    for _ in range(3):
        outbox.process_batch(now=now)
        row.refresh_from_db()
        assert row.status == Status.PENDING
        delays.append(row.next_attempt_at - timezone.now())
        now = row.next_attempt_at
    assert [round(delay.total_seconds() / 30) for delay in delays] == [1, 2, 4]

    outbox.process_batch(now=now)
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.attempts == 4
    assert row.last_error.startswith("Gave up after 4 attempts.")


def test_recipient_refused_by_the_server_fails_and_the_others_go(
    smtp_server, run_worker, ko_requester, en_agent, ko_agent, category
):
    smtp_server.refuse(en_agent.email)
    ticket = tickets.ticket_create(by=ko_requester, title="Refused", category=category)

    run_worker()

    refused = OutboundEmail.objects.get(to_address=en_agent.email)
    assert refused.status == Status.FAILED
    assert "550" in refused.last_error
    assert en_agent.email in refused.last_error
    assert refused.attempts == 1
    assert smtp_server.recipients == sorted([ko_requester.email, ko_agent.email])
    assert statuses()[ko_requester.email] == Status.SENT
    # Permanent: the next run does not try again.
    outbox.process_batch(now=timezone.now() + timedelta(days=1))
    assert OutboundEmail.objects.get(pk=refused.pk).attempts == 1
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_empty_and_invalid_addresses_fail_visibly_and_the_others_go(
    smtp_server, run_worker, ko_requester, en_agent, category
):
    empty = AgentFactory(email="empty@school.ac.kr")
    broken = AgentFactory(email="broken@school.ac.kr")
    type(empty).objects.filter(pk=empty.pk).update(email="")
    type(broken).objects.filter(pk=broken.pk).update(
        email="no-at-sign\r\nBcc: x@evil.example"
    )

    ticket = tickets.ticket_create(
        by=ko_requester, title="Addresses", category=category
    )
    run_worker()

    failed = OutboundEmail.objects.filter(status=Status.FAILED)
    assert sorted(failed.values_list("recipient_id", flat=True)) == sorted(
        [empty.pk, broken.pk]
    )
    assert (
        failed.get(recipient=empty).last_error == "The recipient has no e-mail address."
    )
    assert failed.get(recipient=broken).last_error.startswith("Invalid e-mail address")
    assert smtp_server.recipients == sorted([ko_requester.email, en_agent.email])
    # In-app notifications reach them all the same.
    assert Notification.objects.filter(ticket=ticket, recipient=empty).exists()


def test_newlines_in_a_title_never_reach_the_headers(
    smtp_server, run_worker, ko_requester, en_agent, category
):
    ticket = tickets.ticket_create(
        by=ko_requester,
        title="Help\r\nBcc: attacker@evil.example\nX-Injected: yes",
        category=category,
    )
    run_worker()

    assert "attacker@evil.example" not in smtp_server.recipients
    message = only_mail(smtp_server, en_agent.email)
    assert message["Bcc"] is None
    assert message["X-Injected"] is None
    assert message["Subject"] == (
        f"[{ticket.reference}] Help Bcc: attacker@evil.example X-Injected: yes"
    )
    text = Notification.objects.get(recipient=en_agent).text
    assert "\n" not in text and "\r" not in text


def test_a_huge_comment_is_kept_whole_on_the_ticket_and_shortened_in_the_mail(
    smtp_server, run_worker, settings, ko_requester, en_agent, category
):
    ko_requester.language = "en"  # the assertion below reads the English note
    ko_requester.save(update_fields=["language"])
    ticket = tickets.ticket_create(by=ko_requester, title="Huge", category=category)
    run_worker()
    smtp_server.mails.clear()
    body = "가나다라마바사 " * 150_000  # about a million characters

    tickets.ticket_reply(ticket=ticket, by=en_agent, body=body)
    run_worker()

    assert len(Comment.objects.get(ticket=ticket).body) == len(body.strip())
    message = only_mail(smtp_server, ko_requester.email)
    text = text_part(message)
    assert (
        settings.NOTIFICATIONS_MAX_BODY_CHARS
        < len(text)
        < 2 * (settings.NOTIFICATIONS_MAX_BODY_CHARS)
    )
    assert "Shortened" in text


def test_a_row_left_sending_by_a_dead_worker_is_reclaimed_and_sent_once(
    smtp_server, run_worker, settings, ko_requester, category
):
    tickets.ticket_create(by=ko_requester, title="Dead worker", category=category)
    row = OutboundEmail.objects.get()
    # A worker claims the row and dies before sending it.
    claimed = outbox.claim(token="dead-worker", limit=10)
    assert [r.pk for r in claimed] == [row.pk]

    run_worker()  # the lease still runs: nobody else takes it
    row.refresh_from_db()
    assert row.status == Status.SENDING
    assert smtp_server.mails == []

    later = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1)
    counts = outbox.process_batch(now=later)
    assert counts["sent"] == 1
    outbox.process_batch(now=later + timedelta(hours=1))

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 2
    assert len(smtp_server.mails) == 1


def test_a_row_that_killed_its_worker_on_the_last_attempt_is_failed(
    smtp_server, settings, ko_requester, category
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    tickets.ticket_create(by=ko_requester, title="Poison", category=category)
    outbox.claim(token="dead-worker", limit=10)

    later = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1)
    outbox.process_batch(now=later)

    row = OutboundEmail.objects.get()
    assert row.status == Status.FAILED
    assert "worker stopped" in row.last_error
    assert smtp_server.mails == []


def test_two_workers_never_claim_the_same_row(ko_requester, en_agent, category):
    tickets.ticket_create(by=ko_requester, title="Two workers", category=category)
    first = outbox.claim(token="worker-a", limit=1)
    second = outbox.claim(token="worker-b", limit=10)

    assert len(first) == 1
    assert {row.pk for row in second}.isdisjoint({row.pk for row in first})
    assert len(first) + len(second) == OutboundEmail.objects.count() == 2


def test_smtp_trouble_in_the_request_never_undoes_the_ticket_change(
    smtp_down, settings, django_capture_on_commit_callbacks, ko_requester, category
):
    settings.NOTIFICATIONS_SEND_INLINE = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ticket = tickets.ticket_create(
            by=ko_requester, title="Inline", category=category
        )

    assert len(callbacks) == 1
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    row = OutboundEmail.objects.get()
    assert row.status == Status.PENDING
    assert row.attempts == 1
    assert row.last_error


def test_inline_sending_after_commit_delivers_and_the_worker_does_not_repeat(
    settings,
    run_worker,
    django_capture_on_commit_callbacks,
    ko_requester,
    en_agent,
    category,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATIONS_SEND_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_create(by=ko_requester, title="Inline ok", category=category)

    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(
        [ko_requester.email, en_agent.email]
    )
    run_worker()
    assert len(django_mail.outbox) == 2
    assert set(statuses().values()) == {Status.SENT}


def test_nothing_is_queued_when_the_ticket_change_rolls_back(
    ko_requester, en_agent, category
):
    with pytest.raises(RuntimeError), transaction.atomic():
        tickets.ticket_create(by=ko_requester, title="Rolled back", category=category)
        raise RuntimeError("the change failed later")

    assert not Ticket.objects.filter(title="Rolled back").exists()
    assert not Notification.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_mail_that_cannot_be_rendered_fails_visibly_without_undoing_the_change(
    smtp_server, run_worker, monkeypatch, ko_requester, en_agent, ko_agent, category
):
    from notifications import rendering

    real_render = rendering.render_email

    def broken_for_one(**kwargs):
        if kwargs["recipient"].pk == en_agent.pk:
            raise KeyError("a template variable")
        return real_render(**kwargs)

    # Mails are rendered after commit, by whoever sends them.
    monkeypatch.setattr(rendering, "render_email", broken_for_one)
    ticket = tickets.ticket_create(by=ko_requester, title="Render", category=category)
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    run_worker()

    assert Ticket.objects.filter(pk=ticket.pk).exists()
    broken = OutboundEmail.objects.get(recipient=en_agent)
    assert broken.status == Status.FAILED
    assert broken.last_error.startswith("Rendering failed: KeyError")
    assert broken.body_text == ""
    assert smtp_server.recipients == sorted([ko_requester.email, ko_agent.email])
    # Retrying it from the admin cannot send an empty mail either: it is
    # rendered again, fails again, and stays visibly failed.
    outbox.outbound_retry(OutboundEmail.objects.filter(pk=broken.pk))
    run_worker()
    broken.refresh_from_db()
    assert broken.status == Status.FAILED
    assert broken.last_error.startswith("Rendering failed: KeyError")
    assert smtp_server.recipients == sorted([ko_requester.email, ko_agent.email])
    # Once the fault is gone, a retry from the admin sends it, once.
    monkeypatch.setattr(rendering, "render_email", real_render)
    outbox.outbound_retry(OutboundEmail.objects.filter(pk=broken.pk))
    run_worker()
    broken.refresh_from_db()
    assert broken.status == Status.SENT
    assert len(smtp_server.mails_to(en_agent.email)) == 1


def test_a_mail_marked_rendered_with_no_body_is_never_sent_empty(
    smtp_server, run_worker, ko_requester, en_agent, category
):
    tickets.ticket_create(by=ko_requester, title="Empty", category=category)
    OutboundEmail.objects.filter(recipient=en_agent).update(rendered=True)
    run_worker()

    broken = OutboundEmail.objects.get(recipient=en_agent)
    assert broken.status == Status.FAILED
    assert "never rendered" in broken.last_error
    assert smtp_server.mails_to(en_agent.email) == []


@pytest.mark.parametrize("agents", [2, 20])
def test_a_ticket_create_costs_the_same_queries_however_many_agents_hear_of_it(
    agents, django_assert_num_queries, smtp_server, run_worker, ko_requester, category
):
    AgentFactory.create_batch(agents, language="en")
    AgentFactory.create_batch(2, language="ko")
    recipients = agents + 2 + 1  # every agent, and the requester's receipt

    # BEGIN, ticket, history, category agents, agents, in-app notifications,
    # preferences, e-mails, the counters (version and status in one
    # statement), COMMIT (SAVEPOINTs under the test's transaction instead),
    # and 4 for the service levels (sla.services: working hours, closures,
    # special hours and the ticket's target, for the due times).
    with django_assert_num_queries(14):
        ticket = tickets.ticket_create(
            by=ko_requester, title="Counted", category=category
        )

    assert Notification.objects.filter(ticket=ticket).count() == recipients
    assert OutboundEmail.objects.filter(ticket=ticket, rendered=False).count() == (
        recipients
    )
    run_worker()
    assert len(smtp_server.mails) == recipients
    assert set(statuses().values()) == {Status.SENT}
    assert OutboundEmail.objects.filter(ticket=ticket, rendered=True).count() == (
        recipients
    )


def test_a_mail_rendered_after_a_later_edit_still_tells_the_change_it_was_for(
    smtp_server, run_worker, ko_requester, en_agent, category
):
    ticket = tickets.ticket_create(
        by=ko_requester, title="Printer jammed", category=category
    )
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="On my way")
    # Staff correct the title before the worker got to the mails.
    tickets.ticket_details_update(
        ticket=Ticket.objects.get(pk=ticket.pk), by=en_agent, title="Printer fixed"
    )
    assert not OutboundEmail.objects.filter(rendered=True).exists()
    run_worker()

    subjects = sorted(mail["message"]["Subject"] for mail in smtp_server.mails)
    assert subjects == [
        f"Re: [{ticket.reference}] Printer jammed",
        f"[{ticket.reference}] Printer jammed",
        f"[{ticket.reference}] Printer jammed",
    ]
    (reply,) = [
        mail["message"]
        for mail in smtp_server.mails_to(ko_requester.email)
        if mail["message"]["Subject"].startswith("Re: ")
    ]
    assert "On my way" in text_part(reply)
    assert "Printer jammed" in text_part(reply)
    assert "Printer fixed" not in text_part(reply)
