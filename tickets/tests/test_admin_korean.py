"""The admin in Korean: no English labels and no raw codes of ours left over."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from notifications.models import NotificationKind, OutboundEmail, OutboundEmailStatus
from tickets import services
from tickets.models import Priority, Status

pytestmark = pytest.mark.django_db

# What the walk-through found untranslated or raw on the admin pages.
ENGLISH = {"Administration", "Reference", "Reference:", "Token Blacklist"}
RAW_CODES = {
    *Status.values,
    *Priority.values,
    "status",
    "priority",
    "created",
    "status_changed",
    "priority_changed",
    "assigned",
    "ko",
    "en",
}
ID_AND_CODE = re.compile(r"^\d+ [a-z_]+$")  # how a history row was named: "2 created"


class TextNodes(HTMLParser):
    """The visible text of a page, one stripped string per text node."""

    def __init__(self):
        super().__init__()
        self.texts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "option", "template"}:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style", "option", "template"} and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


def texts_of(response) -> list[str]:
    assert response.status_code == 200
    parser = TextNodes()
    parser.feed(response.content.decode())
    return parser.texts


def leftovers(texts) -> list[str]:
    return [
        text
        for text in texts
        if text in ENGLISH
        or text in RAW_CODES
        or ID_AND_CODE.match(text)
        or "blacklist" in text.lower()
    ]


@pytest.fixture
def korean_admin(client, admin_user):
    admin_user.language = "ko"
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    client.cookies["django_language"] = "ko"
    return client


@pytest.fixture
def busy_ticket(make_ticket, agent, admin_user):
    """A ticket with every kind of history row the admin shows."""
    ticket = make_ticket(title="프로젝터 고장", description="전원이 안 들어옵니다.")
    ticket = services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
    ticket = services.ticket_update(ticket=ticket, by=agent, priority=Priority.HIGH)
    services.ticket_reply(ticket=ticket, by=agent, body="확인했습니다.")
    ticket.refresh_from_db()
    return services.ticket_close(ticket=ticket, by=admin_user)


def test_admin_index_is_korean_and_hides_the_token_blacklist(korean_admin):
    texts = texts_of(korean_admin.get(reverse("admin:index")))
    assert "관리" in " ".join(texts)
    assert leftovers(texts) == []
    assert reverse("admin:index") + "token_blacklist/" not in (
        korean_admin.get(reverse("admin:index")).content.decode()
    )


def test_ticket_admin_pages_say_it_in_korean(korean_admin, busy_ticket):
    change = korean_admin.get(
        reverse("admin:tickets_ticket_change", args=[busy_ticket.pk])
    )
    texts = texts_of(change)
    assert leftovers(texts) == []
    page = " ".join(texts)
    assert "티켓 번호" in page  # the reference's label
    assert busy_ticket.reference in page
    # History rows in words: the kind's label and the ticket page's sentence.
    assert f"{busy_ticket.reference} · 상태 변경" in texts
    assert "박관리 님이 상태를 처리 중에서 종료(으)로 바꿨습니다." in texts
    assert "이담당 님이 우선순위를 보통에서 높음(으)로 바꿨습니다." in texts
    assert "이담당 님이 담당자를 이담당(으)로 배정했습니다." in texts

    listing = korean_admin.get(reverse("admin:tickets_ticket_changelist"))
    assert leftovers(texts_of(listing)) == []
    assert "종료" in " ".join(texts_of(listing))


def test_history_rows_are_named_in_words(busy_ticket):
    from django.utils import translation

    event = busy_ticket.events.order_by("id").first()
    with translation.override("ko"):
        assert str(event) == f"{busy_ticket.reference} · 생성"
    with translation.override("en"):
        assert str(event) == f"{busy_ticket.reference} · Created"


def test_outbound_email_pages_are_korean(korean_admin, busy_ticket):
    mail = OutboundEmail.objects.create(
        to_address="student1@school.ac.kr",
        language="ko",
        kind=NotificationKind.STATUS_CHANGED,
        ticket=busy_ticket,
        subject="[SD] 상태가 바뀌었습니다",
        message_id="<x@sd>",
        status=OutboundEmailStatus.FAILED,
        last_error="SMTP 550",
    )
    listing = korean_admin.get(reverse("admin:notifications_outboundemail_changelist"))
    texts = texts_of(listing)
    assert leftovers(texts) == []
    assert "실패" in texts  # the status's label, not "failed"
    assert "한국어" in texts  # the language filter names the language
    assert "[SD] 상태가 바뀌었습니다" in texts
    detail = korean_admin.get(
        reverse("admin:notifications_outboundemail_change", args=[mail.pk])
    )
    assert leftovers(texts_of(detail)) == []


def test_every_admin_list_is_free_of_leftovers(korean_admin, busy_ticket):
    models = [model for model in apps.get_models() if admin.site.is_registered(model)]
    assert len(models) > 5
    for model in models:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        )
        assert leftovers(texts_of(korean_admin.get(url))) == [], url
