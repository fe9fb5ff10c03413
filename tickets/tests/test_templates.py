"""The ticket pages' templates: list rows, the conversation and the history."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import AgentFactory, UserFactory
from tickets import services
from tickets.models import Ticket

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def rows(template, tickets, viewer, language="en"):
    with translation.override(language):
        return render_to_string(
            f"tickets/includes/{template}", {"tickets": tickets, "user": viewer}
        )


def conversation(ticket, viewer, language="en"):
    comments = ticket.comments.select_related("author")
    with translation.override(language):
        return render_to_string(
            "tickets/includes/conversation.html",
            {"comments": comments, "ticket": ticket, "user": viewer},
        )


@pytest.fixture
def odd_ticket(make_ticket):
    """A ticket whose title and requester's name are markup."""
    return make_ticket(requester=UserFactory(name=SCRIPT), title=SCRIPT)


# --- List rows ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_rows_link_each_ticket_with_its_tick_box(make_ticket, agent):
    ticket = services.ticket_assign(ticket=make_ticket(), assignee=agent, by=agent)
    html = rows("queue_rows.html", Ticket.objects.all(), agent)
    url = reverse("tickets:detail", args=[ticket.pk])
    assert html.count("<tr>") == 1
    assert (
        f'<input type="checkbox" name="tickets" value="{ticket.pk}" '
        f'id="pick-{ticket.pk}">'
    ) in html
    assert (
        f'<label for="pick-{ticket.pk}" class="sr-only">Select {ticket.reference}'
        "</label>"
    ) in html
    assert f'<a href="{url}"><span class="ref">{ticket.reference}</span> ' in html
    assert f'<span class="tag status-{ticket.status}">' in html
    assert f'<span class="tag priority-{ticket.priority}">' in html
    assert "<td>Network</td>" in html
    assert f"<td>{ticket.requester.name}</td>" in html
    assert f"<td>{agent.name}</td>" in html
    assert re.search(r'<td><time datetime="[^"]+" title="[^"]+">just now</time>', html)


@pytest.mark.django_db
def test_queue_rows_escape_titles_and_names(odd_ticket, agent):
    html = rows("queue_rows.html", [odd_ticket], agent)
    assert "<script>" not in html
    assert html.count(ESCAPED) == 2  # the title and the requester


@pytest.mark.django_db
def test_queue_rows_say_unassigned_in_the_viewers_language(ticket, agent):
    assert '<span class="muted">Unassigned</span>' in rows(
        "queue_rows.html", [ticket], agent
    )
    html = rows("queue_rows.html", [ticket], agent, language="ko")
    assert '<span class="muted">미배정</span>' in html
    assert f"{ticket.reference} 선택" in html


@pytest.mark.django_db
def test_my_ticket_rows_show_the_ticket_and_its_assignee(odd_ticket, make_ticket):
    requester = odd_ticket.requester
    html = rows("my_ticket_rows.html", [odd_ticket], requester)
    assert "<script>" not in html
    assert ESCAPED in html
    assert 'type="checkbox"' not in html
    assert '<span class="muted">Not yet assigned</span>' in html


@pytest.mark.django_db
def test_rows_hide_a_nameless_agents_email_from_requesters(ticket, requester, agent):
    nameless = AgentFactory(email="quiet-agent@school.ac.kr", name="")
    services.ticket_assign(ticket=ticket, assignee=nameless, by=agent)
    ticket.refresh_from_db()
    assert "quiet-agent@" not in rows("my_ticket_rows.html", [ticket], requester)
    assert "<td>IT staff</td>" in rows("my_ticket_rows.html", [ticket], requester)
    assert "quiet-agent@" in rows("queue_rows.html", [ticket], agent)


# --- The conversation -----------------------------------------------------------------


@pytest.mark.django_db
def test_conversation_escapes_the_body_and_keeps_its_lines(ticket, requester):
    comment = services.ticket_reply(
        ticket=ticket, by=requester, body=f"first line\r\n{SCRIPT}"
    )
    html = conversation(ticket, requester)
    assert "<script>" not in html
    assert f'<div class="body">first line<br>{ESCAPED}</div>' in html
    assert f'<article class="comment" id="comment-{comment.pk}">' in html
    assert f"<strong>{requester.name}</strong>" in html
    assert '<span class="abs">(' in html  # the time written out in full


@pytest.mark.django_db
def test_conversation_marks_staff_replies_and_internal_notes(ticket, agent):
    reply = services.ticket_reply(ticket=ticket, by=agent, body="public")
    note = services.ticket_reply(ticket=ticket, by=agent, body="secret", internal=True)
    html = conversation(ticket, agent)
    assert f'<article class="comment staff" id="comment-{reply.pk}">' in html
    assert f'<article class="comment internal" id="comment-{note.pk}">' in html
    assert html.count('<span class="tag note-label">Internal note</span>') == 1
    assert html.count('<span class="muted">(IT staff)</span>') == 2
    assert '<span class="tag note-label">내부 메모</span>' in conversation(
        ticket, agent, language="ko"
    )


@pytest.mark.django_db
def test_conversation_escapes_the_authors_name(ticket, agent):
    odd_agent = AgentFactory(name=SCRIPT)
    services.ticket_reply(ticket=ticket, by=odd_agent, body="hello")
    html = conversation(ticket, agent)
    assert "<script>" not in html
    assert f"<strong>{ESCAPED}</strong>" in html


# --- The history ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_history_marks_internal_entries_and_escapes_the_text(ticket, agent):
    services.ticket_reply(ticket=ticket, by=agent, body="secret", internal=True)
    timeline = [
        {"event": event, "text": f"{event.kind} {SCRIPT}"}
        for event in ticket.events.all()
    ]
    html = render_to_string("tickets/includes/history.html", {"timeline": timeline})
    items = re.findall(r"<li( class=\"internal\")?><time [^>]+>[^<]+</time> ", html)
    assert items == ["", ' class="internal"']
    assert "<script>" not in html
    assert html.count(ESCAPED) == 2
