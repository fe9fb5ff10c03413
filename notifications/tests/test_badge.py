"""The navigation badge: the `{% unread_badge %}` tag and the lazy count it shows."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from notifications.models import Notification
from notifications.templatetags import notifications_ui
from tickets import services as tickets

BADGE = "{% load notifications_ui %}{% unread_badge count %}"


def badge(count) -> str:
    return Template(BADGE).render(Context({"count": count}))


def badge_element(count):
    """The badge parsed as HTML: compared as elements, not as whitespace."""
    return parse_html(badge(count))


@pytest.mark.parametrize("count", [0, None, ""])
def test_nothing_unread_shows_no_badge(count):
    assert badge(count) == ""


def test_badge_shows_the_count_and_says_it_for_screen_readers():
    with translation.override("en"):
        assert badge_element(5) == parse_html(
            '<span class="badge" aria-label="5 unread">5</span>'
        )


@pytest.mark.parametrize(("count", "shown"), [(99, "99"), (100, "99+"), (150, "99+")])
def test_badge_stops_counting_at_99(count, shown):
    with translation.override("en"):
        assert badge_element(count) == parse_html(
            f'<span class="badge" aria-label="{shown} unread">{shown}</span>'
        )


def test_badge_label_is_in_the_readers_language():
    with translation.override("ko"):
        assert 'aria-label="읽지 않은 알림 5개"' in badge(5)


def test_badge_label_is_escaped(monkeypatch):
    monkeypatch.setattr(
        notifications_ui,
        "ngettext",
        lambda singular, plural, n: '"><script>alert(1)</script> %(n)s',
    )

    shown = badge(5)

    assert "<script>" not in shown
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; 5" in shown


@pytest.mark.django_db
def test_badge_counts_once_per_page_and_only_where_shown(
    ko_requester, en_agent, category
):
    ticket = tickets.ticket_create(by=ko_requester, title="배지", category=category)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="hello")
    request = RequestFactory().get("/")
    request.user = ko_requester
    twice = Template(
        "{% load notifications_ui %}"
        "{% unread_badge notifications_unread_count %}"
        "{% unread_badge notifications_unread_count %}"
    )

    with CaptureQueriesContext(connection) as unused:
        Template("{{ 1 }}").render(RequestContext(request, {}))
    with CaptureQueriesContext(connection) as used:
        shown = twice.render(RequestContext(request, {}))

    assert len(unused) == 0
    assert len(used) == 1
    assert shown.count(">2</span>") == 2


@pytest.mark.django_db
def test_badge_counts_only_unread_notifications_of_the_viewer(
    ko_requester, en_agent, category
):
    ticket = tickets.ticket_create(by=ko_requester, title="배지", category=category)
    tickets.ticket_reply(ticket=ticket, by=en_agent, body="hello")
    Notification.objects.filter(recipient=ko_requester).update(
        read_at=ticket.created_at
    )
    request = RequestFactory().get("/")
    request.user = ko_requester

    shown = Template(
        "{% load notifications_ui %}{% unread_badge notifications_unread_count %}"
    ).render(RequestContext(request, {}))

    assert shown == ""


@pytest.mark.django_db
def test_anonymous_visitors_get_no_badge_and_no_query():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with CaptureQueriesContext(connection) as queries:
        shown = Template(
            "{% load notifications_ui %}{% unread_badge notifications_unread_count %}"
        ).render(RequestContext(request, {}))

    assert shown == ""
    assert len(queries) == 0
