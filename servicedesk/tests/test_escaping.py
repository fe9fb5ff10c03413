"""Text people type (or the MIS sync brings) is shown escaped on every page.

Titles, comments, file names and names hold markup; the pages that show them
(my tickets, the queue, the ticket page, notifications, the admin lists and
forms) must carry it as text only. The pages offer no rich text: everything a
person writes is plain text, so nothing needs sanitising, only escaping.
"""

import pytest
from django.test import Client
from django.utils.html import escape

from notifications import outbox
from notifications.models import OutboundEmail

from .world import build_world

PAYLOADS = {
    "title": '<script>window.__xss=1;alert(1)</script>"><img src=x onerror=alert(1)>',
    "comment": '<script>alert(2)</script><img src=x onerror="window.__xss=2;alert(2)">',
    "filename": '"><svg onload=alert(3)>.txt',
    "requester": '"><img src=x onerror=alert(4)>',
    "agent": "<script>alert(5)</script>",
}
# What must never reach a page unescaped.
RAW_FRAGMENTS = ["<script>alert", "<script>window", "<img src=x", "<svg onload"]


def xss_world():
    return build_world(**PAYLOADS)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"
    return xss_world()


def _page(user, path) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def _assert_no_raw_markup(body: str, path: str):
    for fragment in RAW_FRAGMENTS:
        assert fragment not in body, (path, fragment)


def _pages(world):
    ticket = world.tickets["own"]
    return [
        (world.requester, "/tickets/", ["title"]),
        (world.requester, f"/tickets/{ticket.pk}/", ["title", "comment", "filename"]),
        (world.requester, "/notifications/", []),
        (world.agent, "/queue/", ["title", "requester"]),
        (world.agent, f"/tickets/{ticket.pk}/", ["title", "comment", "filename"]),
        (world.agent, "/notifications/", []),
        (world.admin, "/admin/tickets/ticket/", ["title"]),
        (world.admin, f"/admin/tickets/ticket/{ticket.pk}/change/", ["title"]),
        (world.admin, "/admin/accounts/user/", ["requester"]),
        (world.admin, f"/admin/accounts/user/{world.requester.pk}/change/", []),
        (world.admin, "/admin/attachments/attachment/", ["filename"]),
        (world.admin, "/admin/notifications/notification/", []),
    ]


@pytest.mark.django_db
def test_user_text_is_escaped_on_every_page_that_shows_it(world):
    pages, checked = _pages(world), 0
    for user, path, shown in pages:
        body = _page(user, path)
        _assert_no_raw_markup(body, path)
        for name in shown:
            assert escape(PAYLOADS[name]) in body, (path, name)
            checked += 1
    assert checked == sum(len(shown) for _user, _path, shown in pages)


@pytest.mark.django_db
def test_the_ticket_page_shows_names_as_text(world):
    ticket = world.tickets["own"]
    body = _page(world.agent, f"/tickets/{ticket.pk}/")
    assert escape(PAYLOADS["requester"]) in body
    assert escape(PAYLOADS["agent"]) in body


@pytest.mark.django_db
def test_notification_emails_escape_user_text(world):
    # Mails are rendered after commit, when they are sent.
    outbox.process_batch(limit=1000)
    bodies = [email.body_html for email in OutboundEmail.objects.all()]
    assert bodies
    assert all(bodies)
    for body in bodies:
        _assert_no_raw_markup(body, "e-mail")
