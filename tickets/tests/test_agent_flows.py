"""The agent's work from issue 16: stale edits, reply and set the status in one
submit, one-click "assign to me", bulk "in progress", the queue's sortable
headers, total and search, and the requester's other tickets."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tickets import services
from tickets.models import Comment, EventKind, Priority, Status, Ticket, TicketEvent

CONFLICT = (
    "Someone else changed this ticket while you were looking at it. "
    "Below is the ticket as it is now, with your changes still in "
    "the form: check them and send again."
)

pytestmark = pytest.mark.django_db


def detail(ticket) -> str:
    return reverse("tickets:detail", kwargs={"pk": ticket.pk})


def action(name, ticket) -> str:
    return reverse(f"tickets:{name}", kwargs={"pk": ticket.pk})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def as_agent(client, agent):
    client.force_login(agent)
    return client


# --- A stale edit is a conflict, never a raw value ----------------------------------


def manage_data(ticket, **changes) -> dict:
    return {
        "version": ticket.version,
        "status": ticket.status,
        "priority": ticket.priority,
        "category": ticket.category_id,
        "assignee": ticket.assignee_id or "",
        **changes,
    }


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_stale_status_form_says_someone_else_changed_the_ticket(
    client, agent, other_agent, ticket, language
):
    # Agent 1 opens the page: the menu offers the moves from "new".
    agent.language = language  # the saved choice decides the page's language
    agent.save()
    client.force_login(agent)
    client.get(detail(ticket))
    seen = manage_data(ticket, priority=Priority.HIGH)  # status left at "new"
    # Agent 2 takes the ticket meanwhile: "new" is no longer a choice.
    services.ticket_update(ticket=ticket, by=other_agent, status=Status.IN_PROGRESS)

    response = client.post(action("update", ticket), seen)

    assert response.status_code == 200
    body = response.content.decode()
    assert "선택가능항목" not in body and "available choices" not in body
    form = response.context["staff_form"]
    assert "status" not in form.errors
    assert form.non_field_errors()
    with translation.override(language):
        expected = translation.gettext(CONFLICT)
    assert messages_of(response) == [expected]
    fresh = Ticket.objects.get()
    assert (fresh.status, fresh.priority) == (Status.IN_PROGRESS, Priority.MEDIUM)
    assert form["version"].value() == str(fresh.version)
    # Sent again on the fresh version, the form is accepted.
    again = client.post(
        action("update", ticket), manage_data(fresh, priority=Priority.HIGH)
    )
    assert again.status_code == 302
    assert Ticket.objects.get().priority == Priority.HIGH


def test_a_move_the_rules_forbid_is_explained_not_a_raw_value(
    as_agent, make_ticket, agent
):
    ticket = make_ticket(status=Status.CLOSED, agent=agent)
    response = as_agent.post(
        action("update", ticket), manage_data(ticket, status=Status.RESOLVED)
    )
    assert response.status_code == 200
    with translation.override("ko"):
        expected = translation.gettext(
            "A ticket cannot go from “%(old)s” to “%(new)s”."
        ) % {"old": Status.CLOSED.label, "new": Status.RESOLVED.label}
    assert response.context["staff_form"].errors["status"] == [expected]


def test_an_unknown_status_is_a_form_error(as_agent, ticket):
    response = as_agent.post(
        action("update", ticket), manage_data(ticket, status="nonsense")
    )
    assert response.status_code == 200
    assert "status" in response.context["staff_form"].errors
    assert Ticket.objects.get().status == Status.NEW


def test_the_status_menu_offers_only_the_allowed_moves(as_agent, make_ticket, agent):
    ticket = make_ticket(status=Status.CLOSED, agent=agent)
    body = as_agent.get(detail(ticket)).content.decode()
    menu = re.search(r'<select name="status"[^>]*>(.*?)</select>', body, re.S)
    assert re.findall(r'value="(\w+)"', menu.group(1)) == ["in_progress", "closed"]


# --- Reply and set the status in one go -----------------------------------------------


def test_reply_and_status_change_sends_and_resolves_together(ticket, agent):
    comment = services.ticket_reply_and_status_change(
        ticket=ticket,
        by=agent,
        body="공유기를 교체했습니다.",
        status=Status.RESOLVED,
        version=ticket.version,
    )
    fresh = Ticket.objects.get()
    assert comment.ticket.status == fresh.status == Status.RESOLVED
    assert fresh.resolved_at is not None and fresh.first_responded_at is not None
    kinds = list(
        TicketEvent.objects.order_by("id").values_list("kind", "new_value")[1:]
    )
    assert kinds == [
        (EventKind.REPLIED, ""),
        (EventKind.STATUS_CHANGED, Status.IN_PROGRESS),  # the first reply
        (EventKind.STATUS_CHANGED, Status.RESOLVED),
    ]


def test_a_refused_status_sends_no_reply(make_ticket, agent):
    ticket = make_ticket(status=Status.CLOSED, agent=agent)
    with pytest.raises(ValidationError) as refused:
        services.ticket_reply_and_status_change(
            ticket=ticket, by=agent, body="해결했습니다.", status=Status.RESOLVED
        )
    assert "status" in refused.value.message_dict
    assert not Comment.objects.exists()
    assert Ticket.objects.get().status == Status.CLOSED


def test_a_stale_version_sends_no_reply(ticket, agent, other_agent):
    seen = ticket.version
    services.ticket_assign(ticket=ticket, assignee=other_agent, by=other_agent)
    with pytest.raises(ValidationError) as refused:
        services.ticket_reply_and_status_change(
            ticket=ticket, by=agent, body="답변", status=Status.WAITING, version=seen
        )
    assert refused.value.error_list[0].code == "conflict"
    assert not Comment.objects.exists()


def test_a_requester_cannot_set_a_staff_status_with_a_reply(ticket, requester):
    with pytest.raises(PermissionDenied):
        services.ticket_reply_and_status_change(
            ticket=ticket, by=requester, body="해결됐어요", status=Status.RESOLVED
        )
    assert not Comment.objects.exists()


def test_an_internal_note_can_set_the_status_too(ticket, agent):
    comment = services.ticket_reply_and_status_change(
        ticket=ticket, by=agent, body="부품 대기", status=Status.WAITING, internal=True
    )
    assert comment.internal
    assert Ticket.objects.get().status == Status.WAITING


def test_the_reply_form_sends_and_marks_resolved(as_agent, ticket):
    page = as_agent.get(detail(ticket)).content.decode()
    assert re.search(
        r'<button[^>]*name="then" value="resolved"[^>]*>보내고 해결됨으로', page
    )
    assert re.search(
        r'<button[^>]*name="then" value="waiting"[^>]*>보내고 대기 중으로', page
    )
    response = as_agent.post(
        action("reply", ticket),
        {
            "body": "재부팅 후 해결되었습니다.",
            "visibility": "public",
            "then": "resolved",
            "version": ticket.version,
        },
        follow=True,
    )
    assert Ticket.objects.get().status == Status.RESOLVED
    assert Comment.objects.get().body == "재부팅 후 해결되었습니다."
    assert messages_of(response) == [
        "답변을 보냈습니다. 티켓은 이제 “해결됨” 상태입니다."
    ]
    # The page no longer offers "resolved" for a resolved ticket.
    page = response.content.decode()
    assert 'value="resolved">보내고' not in page


def test_a_stale_send_and_resolve_keeps_the_text_and_sends_nothing(
    as_agent, ticket, other_agent
):
    seen = ticket.version
    services.ticket_assign(ticket=ticket, assignee=other_agent, by=other_agent)
    response = as_agent.post(
        action("reply", ticket),
        {
            "body": "해결했습니다.",
            "visibility": "public",
            "then": "resolved",
            "version": seen,
        },
    )
    assert response.status_code == 200
    assert not Comment.objects.exists()
    form = response.context["reply_form"]
    assert form["body"].value() == "해결했습니다."
    assert form["version"].value() == str(Ticket.objects.get().version)
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    assert form.non_field_errors()  # the service's "changed by someone else"


def test_a_requesters_reply_form_has_no_status_buttons_and_ignores_them(
    client, requester, ticket
):
    client.force_login(requester)
    page = client.get(detail(ticket)).content.decode()
    assert 'name="then"' not in page
    client.post(action("reply", ticket), {"body": "감사합니다", "then": "resolved"})
    assert Comment.objects.count() == 1
    assert Ticket.objects.get().status == Status.NEW


def test_the_api_replies_and_sets_the_status(as_user, agent, ticket):
    client = as_user(agent)
    response = client.post(
        f"/api/tickets/{ticket.pk}/comments",
        {"body": "확인 부탁드립니다.", "status": "waiting", "version": ticket.version},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Ticket.objects.get().status == Status.WAITING
    stale = client.post(
        f"/api/tickets/{ticket.pk}/comments",
        {"body": "또 보냄", "status": "resolved", "version": ticket.version},
        format="json",
    )
    assert stale.status_code == 409
    assert Comment.objects.count() == 1
    bad = client.post(
        f"/api/tickets/{ticket.pk}/comments",
        {"body": "x", "status": "nonsense"},
        format="json",
    )
    assert bad.status_code == 400 and "status" in bad.json()


# --- Assign to me, in one click ----------------------------------------------------------


def test_assign_to_me_from_a_queue_row_goes_back_to_the_queue(
    as_agent, agent, make_ticket, other_agent
):
    free = make_ticket(title="배정 안 됨")
    taken = make_ticket(title="이미 배정")
    services.ticket_assign(ticket=taken, assignee=other_agent, by=other_agent)
    queue = "/queue/?status=all&q=%EB%B0%B0%EC%A0%95"
    page = as_agent.get(queue).content.decode()
    buttons = re.findall(
        r'<button[^>]*formaction="([^"]+)" name="version" value="(\d+)"', page
    )
    assert buttons == [(action("assign_to_me", free), str(free.version))]
    response = as_agent.post(
        action("assign_to_me", free), {"version": free.version, "next": queue}
    )
    assert response.status_code == 302 and response["Location"] == queue
    fresh = Ticket.objects.get(pk=free.pk)
    assert fresh.assignee == agent and fresh.status == Status.IN_PROGRESS
    shown = as_agent.get(queue)
    assert messages_of(shown) == [f"{free.reference} 티켓이 나에게 배정되었습니다."]


def test_assign_to_me_never_follows_a_link_off_the_site(as_agent, ticket):
    response = as_agent.post(
        action("assign_to_me", ticket),
        {"version": ticket.version, "next": "https://evil.example/"},
    )
    assert response["Location"] == detail(ticket)


# --- Bulk "in progress" -------------------------------------------------------------------


def test_bulk_in_progress_assigns_the_agent_to_unassigned_tickets(
    as_agent, agent, other_agent, make_ticket
):
    free = [make_ticket(), make_ticket()]
    taken = make_ticket()
    services.ticket_assign(ticket=taken, assignee=other_agent, by=other_agent)
    services.ticket_status_change(ticket=taken, status=Status.WAITING, by=other_agent)
    response = as_agent.post(
        reverse("tickets:bulk"),
        {
            "tickets": [t.pk for t in [*free, taken]],
            "operation": "status",
            "status": Status.IN_PROGRESS,
            "assignee": "me",
        },
        follow=True,
    )
    assert messages_of(response) == [
        "티켓 3건을 변경했습니다.",
        "그중 담당자가 없던 2건은 나에게 배정했습니다.",
    ]
    for ticket in free:
        fresh = Ticket.objects.get(pk=ticket.pk)
        assert (fresh.status, fresh.assignee) == (Status.IN_PROGRESS, agent)
        assert fresh.version == ticket.version + 1  # one change, two history rows
        kinds = set(fresh.events.values_list("kind", flat=True))
        assert {EventKind.ASSIGNED, EventKind.STATUS_CHANGED} <= kinds
    assert Ticket.objects.get(pk=taken.pk).assignee == other_agent


def test_bulk_waiting_assigns_nobody(as_agent, make_ticket):
    ticket = make_ticket()
    response = as_agent.post(
        reverse("tickets:bulk"),
        {"tickets": [ticket.pk], "operation": "status", "status": Status.WAITING},
        follow=True,
    )
    assert messages_of(response) == ["티켓 1건을 변경했습니다."]
    assert Ticket.objects.get().assignee is None


def test_a_bulk_move_to_the_same_status_is_still_refused(as_agent, make_ticket, agent):
    ticket = make_ticket(status=Status.IN_PROGRESS, agent=agent)
    response = as_agent.post(
        reverse("tickets:bulk"),
        {"tickets": [ticket.pk], "operation": "status", "status": Status.IN_PROGRESS},
        follow=True,
    )
    assert len(messages_of(response)) == 1
    assert messages_of(response)[0].startswith(ticket.reference)
    assert Ticket.objects.get().assignee is None


# --- The queue: sortable headers, the total -----------------------------------------------


def header(page: str, label: str) -> str:
    found = re.search(
        rf"<th scope=\"col\"[^>]*>\s*<a [^>]*>{label}.*?</th>", page, re.S
    )
    assert found, label
    return found.group(0)


def test_the_column_headers_sort_the_queue(as_agent, make_ticket):
    low = make_ticket(title="낮음", priority=Priority.LOW)
    high = make_ticket(title="높음", priority=Priority.HIGH)
    page = as_agent.get("/queue/?status=all").content.decode()
    updated = header(page, "최근 변경")
    assert 'aria-sort="descending"' in updated  # the default order
    assert "ordering=updated_at" in updated
    priority = header(page, "우선순위")
    assert "aria-sort" not in priority
    link = re.search(r'href="([^"]+)"', priority).group(1).replace("&amp;", "&")
    assert "ordering=-priority" in link and "status=all" in link
    response = as_agent.get(link)
    rows = [row.pk for row in response.context["view"].page.rows]
    assert rows == [high.pk, low.pk]
    page = response.content.decode()
    assert 'aria-sort="descending"' in header(page, "우선순위")
    assert "ordering=priority" in header(page, "우선순위")
    assert "aria-sort" not in header(page, "최근 변경")
    ascending = as_agent.get("/queue/?status=all&ordering=priority")
    assert [row.pk for row in ascending.context["view"].page.rows] == [low.pk, high.pk]
    assert 'aria-sort="ascending"' in header(ascending.content.decode(), "우선순위")


def count_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]


@override_settings(TICKET_CACHE=False)
def test_the_total_comes_from_the_counters_when_only_the_status_filters(
    as_agent, make_ticket, agent
):
    for _ in range(3):
        make_ticket()
    make_ticket(status=Status.RESOLVED, agent=agent)
    with CaptureQueriesContext(connection) as captured:
        response = as_agent.get("/queue/")
    assert response.context["view"].total == 3
    assert "티켓 3건" in response.content.decode()
    assert not [sql for sql in count_queries(captured) if "tickets_ticket" in sql]
    assert as_agent.get("/queue/?status=all").context["view"].total == 4


@override_settings(TICKET_CACHE=False)
def test_a_filtered_total_is_one_count(as_agent, make_ticket, agent):
    for number in range(3):
        make_ticket(title=f"프린터 {number}")
    make_ticket(title="메일")
    with CaptureQueriesContext(connection) as captured:
        response = as_agent.get("/queue/?q=프린터")
    assert response.context["view"].total == 3
    assert len([sql for sql in count_queries(captured) if "tickets_ticket" in sql]) == 1
    assert as_agent.get("/queue/?assignee=me").context["view"].total == 0
    assert as_agent.get("/queue/?status=bogus").context["view"].total is None


def test_the_total_is_english_in_english(as_agent, agent, make_ticket):
    make_ticket()
    agent.language = "en"
    agent.save()
    assert "1 ticket matches" in as_agent.get("/queue/").content.decode()


def test_the_queue_finds_the_requester_by_name(as_agent, make_ticket, other_requester):
    mine = make_ticket(title="출력 오류")
    make_ticket(title="출력 오류", requester=other_requester)
    response = as_agent.get("/queue/?q=김학생")
    assert [row.pk for row in response.context["view"].page.rows] == [mine.pk]
    assert response.context["view"].total == 1


@override_settings(TICKET_CACHE=True)
def test_a_renamed_requester_is_found_at_once_on_a_cached_queue(
    as_agent, make_ticket, requester
):
    ticket = make_ticket(title="계정 잠김")
    assert as_agent.get("/queue/?q=김새이름").context["view"].total == 0
    requester.name = "김새이름"
    requester.save()
    response = as_agent.get("/queue/?q=김새이름")
    assert ticket.reference in response.content.decode()


# --- The requester's other tickets ----------------------------------------------------------


def test_the_staff_page_lists_the_requesters_other_recent_tickets(
    as_agent, make_ticket, other_requester
):
    older = [make_ticket(title=f"예전 문의 {n}") for n in range(6)]
    make_ticket(title="남의 문의", requester=other_requester)
    ticket = make_ticket(title="지금 문의")
    page = as_agent.get(detail(ticket)).content.decode()
    panel = page.split('id="requester-tickets-title"')[1].split("</section>")[0]
    listed = re.findall(r'href="/tickets/(\d+)/"', panel)
    assert listed == [str(t.pk) for t in reversed(older[1:])]  # latest 5, linked
    assert "남의 문의" not in panel and "지금 문의" not in panel
    assert f"requester={ticket.requester_id}" in panel


def test_a_requester_sees_no_such_panel(client, requester, make_ticket):
    make_ticket(title="예전 문의")
    ticket = make_ticket()
    client.force_login(requester)
    page = client.get(detail(ticket)).content.decode()
    assert "requester-tickets-title" not in page


def test_no_panel_when_the_requester_has_no_other_ticket(as_agent, ticket):
    assert (
        "requester-tickets-title" not in as_agent.get(detail(ticket)).content.decode()
    )


@override_settings(TICKET_CACHE=True)
def test_the_cached_page_and_queue_show_a_new_ticket_at_once(as_agent, make_ticket):
    first = make_ticket(title="첫 문의")
    make_ticket(title="둘째 문의")
    assert "둘째 문의" in as_agent.get(detail(first)).content.decode()
    assert as_agent.get("/queue/").context["view"].total == 2
    make_ticket(title="셋째 문의")
    assert "셋째 문의" in as_agent.get(detail(first)).content.decode()
    assert "티켓 3건" in as_agent.get("/queue/").content.decode()
