"""Opening a notification reads it; texts, words and times follow the reader.

The reader's language is the one saved on them (the switch, the settings page,
`PATCH /api/me`); mail goes over real SMTP (aiosmtpd on loopback).
"""

from datetime import UTC, datetime

import pytest

from notifications.models import Notification, OutboundEmail
from tickets import services as tickets
from tickets.models import Ticket

from .helpers import html_part, only_mail, text_part

pytestmark = pytest.mark.django_db

# 14:54 in Seoul (TIME_ZONE), the afternoon: 오후 before the time in Korean.
MOMENT = datetime(2026, 12, 1, 5, 54, tzinfo=UTC)
WRITTEN = {"ko": "2026년 12월 1일 오후 2:54", "en": "Dec. 1, 2026, 2:54 p.m."}


@pytest.fixture
def ticket(ko_requester, en_agent, category):
    ticket = tickets.ticket_create(by=ko_requester, title="프린터", category=category)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="On my way")
    return ticket


def test_opening_a_notification_marks_it_read_and_shows_the_ticket(
    client, ko_requester, ticket
):
    client.force_login(ko_requester)
    notification = Notification.objects.filter(recipient=ko_requester).first()
    page = client.get("/notifications/").content.decode()
    assert f'href="/notifications/{notification.pk}/"' in page

    response = client.get(f"/notifications/{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    # Opening it again keeps the first time it was read.
    read_at = notification.read_at
    client.get(f"/notifications/{notification.pk}/")
    notification.refresh_from_db()
    assert notification.read_at == read_at


def test_someone_elses_notification_does_not_open(client, other_requester, ticket):
    client.force_login(other_requester)
    notification = Notification.objects.exclude(recipient=other_requester).first()

    response = client.get(f"/notifications/{notification.pk}/")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_notification_text_follows_the_language_the_reader_switched_to(
    client, ko_requester, ticket, as_user
):
    client.force_login(ko_requester)
    korean = client.get("/notifications/").content.decode()
    assert "답변했습니다" in korean or "접수했습니다" in korean
    assert "replied to" not in korean

    client.post("/i18n/setlang/", {"language": "en", "next": "/notifications/"})
    english = client.get("/notifications/").content.decode()

    assert "Lee Agent replied to" in english or "IT team replied to" in english
    assert "We received your request" in english
    api_texts = [
        row["text"]
        for row in as_user(ko_requester).get("/api/notifications/").json()["results"]
    ]
    assert any(text.startswith("We received your request") for text in api_texts)


def test_unread_mark_and_status_new_use_different_words(client, ko_requester, ticket):
    client.force_login(ko_requester)
    ko_list = client.get("/notifications/").content.decode()
    ko_ticket = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "읽지 않음" in ko_list
    assert "신규" not in ko_list
    assert "신규" in ko_ticket  # the status of a new ticket

    client.post("/i18n/setlang/", {"language": "en"})
    en_list = client.get("/notifications/").content.decode()
    assert "Unread:" in en_list
    assert "New:" not in en_list


@pytest.mark.parametrize("language", ["ko", "en"])
def test_one_datetime_format_on_the_page_the_notifications_and_the_mail(
    client, ko_requester, ticket, smtp_server, run_worker, language
):
    ko_requester.language = language
    ko_requester.save()
    OutboundEmail.objects.all().delete()
    tickets.ticket_reply(ticket=ticket, by=ticket.requester, body="Thanks")
    agent_reply = tickets.ticket_reply(
        ticket=ticket, by=ticket.comments.first().author, body="Fixed"
    )
    assert agent_reply.pk
    Ticket.objects.filter(pk=ticket.pk).update(created_at=MOMENT)
    Notification.objects.filter(recipient=ko_requester).update(created_at=MOMENT)
    OutboundEmail.objects.update(created_at=MOMENT)
    client.force_login(ko_requester)

    ticket_page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    notifications = client.get("/notifications/").content.decode()
    run_worker()
    mail = only_mail(smtp_server, ko_requester.email)

    written = WRITTEN[language]
    assert written in ticket_page
    assert written in notifications
    assert written in text_part(mail)
    assert written in html_part(mail)


def test_mail_follows_the_language_chosen_with_the_header_switch(
    client, ko_requester, en_agent, ticket, smtp_server, run_worker
):
    OutboundEmail.objects.all().delete()
    client.force_login(ko_requester)
    client.post("/i18n/setlang/", {"language": "en"})

    tickets.ticket_reply(ticket=ticket, by=en_agent, body="Try now")
    run_worker()

    body = text_part(only_mail(smtp_server, ko_requester.email))
    assert "Hello 김학생," in body
    assert "replied to" in body
    assert "안녕하세요" not in body
