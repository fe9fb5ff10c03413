"""The pages' small tags: badges, times and people's names."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.tests.factories import AgentFactory, UserFactory
from tickets.models import Priority, Status
from tickets.templatetags.tickets_ui import status_label


def render(source: str, **context) -> str:
    return Template("{% load tickets_ui %}" + source).render(Context(context))


def ago(**delta) -> datetime:
    return timezone.now() - timedelta(**delta)


# --- Times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "delta", "relative"),
    [
        ("en", timedelta(hours=3, minutes=5), "3\xa0hours ago"),
        ("ko", timedelta(hours=3, minutes=5), "3시간 전"),
        ("en", timedelta(days=9), "1\xa0week ago"),
        ("ko", timedelta(days=2, hours=1), "2일 전"),
        ("en", timedelta(seconds=20), "just now"),
        ("ko", timedelta(seconds=20), "방금"),
    ],
)
def test_when_says_how_long_ago_in_the_active_language(language, delta, relative):
    with translation.override(language):
        html = render("{% when moment %}", moment=timezone.now() - delta)
    assert f">{relative}</time>" in html


def test_when_gives_the_exact_time_as_the_title_and_in_full():
    moment = ago(hours=1)
    local = timezone.localtime(moment)
    with translation.override("ko"):
        absolute = date_format(local, "DATETIME_FORMAT")
        short = render("{% when moment %}", moment=moment)
        full = render("{% when moment full=True %}", moment=moment)
    iso = local.isoformat()
    assert short == f'<time datetime="{iso}" title="{absolute}">1시간 전</time>'
    assert full == (
        f'<time datetime="{iso}">1시간 전 <span class="abs">({absolute})</span></time>'
    )


def test_when_of_nothing_is_empty():
    assert render("{% when moment %}", moment=None) == ""


# --- Badges -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", Status.values)
def test_status_badge_names_the_status(code):
    with translation.override("ko"):
        label = Status(code).label
        html = render("{% status_badge code %}", code=code)
        assert html == f'<span class="tag status-{code}">{label}</span>'
        assert status_label(code) == label


@pytest.mark.parametrize("code", Priority.values)
def test_priority_badge_names_the_priority(code):
    with translation.override("en"):
        label = Priority(code).label
        assert render("{% priority_badge code %}", code=code) == (
            f'<span class="tag priority-{code}">{label}</span>'
        )


def test_badges_escape_an_unknown_code():
    html = render("{% status_badge code %}{% priority_badge code %}", code="<x>")
    assert "<x>" not in html
    assert html.count("&lt;x&gt;") == 4


# --- People -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_person_escapes_the_name():
    someone = UserFactory(name="<script>alert(1)</script>")
    html = render("{% person someone %}", someone=someone, user=someone)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_person_shows_a_nameless_agents_email_to_staff_only(requester, agent):
    nameless = AgentFactory(email="helper@school.ac.kr", name="")
    with translation.override("en"):
        assert render("{% person p %}", p=nameless, user=agent) == nameless.email
        assert render("{% person p %}", p=nameless, user=requester) == "IT staff"
    nameless_requester = UserFactory(email="quiet@school.ac.kr", name="")
    with translation.override("ko"):
        assert (
            render("{% person p %}", p=nameless_requester, user=AnonymousUser())
            == "요청자"
        )


def test_person_of_nobody_is_the_system():
    with translation.override("en"):
        assert render("{% person p %}", p=None) == "System"
