"""The HTML pages: requester portal, staff queue, ticket page (Django's test client)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from tickets import services
from tickets.models import Comment, Priority, Status, Ticket

pytestmark = pytest.mark.django_db


def listing(response):
    """The list view of a list page: its filters, paging, page and tabs."""
    return response.context["view"]


def page_text(response) -> str:
    return response.content.decode()


def detail(ticket) -> str:
    return reverse("tickets:detail", kwargs={"pk": ticket.pk})


def action(name, ticket) -> str:
    return reverse(f"tickets:{name}", kwargs={"pk": ticket.pk})


def new_ticket_data(category, **overrides):
    return {
        "title": "프린터가 안 돼요",
        "description": "3층 프린터에서 용지 걸림 표시가 계속 나옵니다.",
        "category": category.pk,
        "priority": Priority.MEDIUM,
        "location": "공학관 2동 305호",
        "contact_phone": "02-1234-5678",
        **overrides,
    }


@pytest.fixture
def as_requester(client, requester):
    client.force_login(requester)
    return client


@pytest.fixture
def as_agent(client, agent):
    client.force_login(agent)
    return client


# --- The site's root -----------------------------------------------------------------


class TestHome:
    def test_root_shows_a_requester_their_own_tickets(
        self, as_requester, make_ticket, other_requester
    ):
        make_ticket(title="내 티켓")
        make_ticket(title="남의 티켓", requester=other_requester)
        response = as_requester.get("/")
        assert response.status_code == 200
        assert "tickets/my_tickets.html" in [t.name for t in response.templates]
        assert "내 티켓" in page_text(response)
        assert "남의 티켓" not in page_text(response)

    def test_root_shows_an_agent_the_queue(self, as_agent, ticket):
        response = as_agent.get("/")
        assert response.status_code == 200
        assert "tickets/queue.html" in [t.name for t in response.templates]
        assert ticket.title in page_text(response)

    @pytest.mark.parametrize(
        "url",
        [
            "/tickets/",
            "/tickets/new/",
            "/tickets/1/",
            "/queue/",
            "/tickets/new/on-behalf/",
        ],
    )
    def test_signed_out_visitors_are_sent_to_sign_in(self, client, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_sign_in_lands_a_requester_on_my_tickets(self, client, requester):
        from accounts.tests.factories import DEFAULT_PASSWORD

        response = client.post(
            reverse("accounts:login"),
            {"username": requester.email, "password": DEFAULT_PASSWORD},
            follow=True,
        )
        assert "tickets/my_tickets.html" in [t.name for t in response.templates]


# --- Navigation, language, layout --------------------------------------------------------


class TestLayout:
    def test_requester_navigation_marks_the_current_page(self, as_requester):
        body = page_text(as_requester.get(reverse("tickets:my_tickets")))
        assert re.search(r'href="/tickets/"\s+aria-current="page"', body)
        assert reverse("tickets:queue") not in body
        assert reverse("admin:index") not in body

    def test_agent_navigation_has_the_queue_but_no_admin_link(self, as_agent):
        body = page_text(as_agent.get(reverse("tickets:queue")))
        assert re.search(r'href="/queue/"\s+aria-current="page"', body)
        assert reverse("admin:index") not in body

    def test_admin_navigation_links_to_the_django_admin(self, client, admin_user):
        client.force_login(admin_user)
        body = page_text(client.get(reverse("tickets:queue")))
        assert f'href="{reverse("admin:index")}"' in body

    def test_admin_site_links_back_to_the_service_desk(self, client, admin_user):
        client.force_login(admin_user)
        body = page_text(client.get(reverse("admin:index")))
        assert re.search(r'<a href="/">[^<]+</a> /', body)
        assert "IT 서비스 데스크" in body

    def test_pages_are_korean_by_default_and_english_on_request(self, as_requester):
        korean = page_text(as_requester.get(reverse("tickets:my_tickets")))
        assert 'lang="ko"' in korean and "내 티켓" in korean
        # The header's switch (it also saves the choice on the user).
        as_requester.post(
            "/i18n/setlang/", {"language": "en", "next": reverse("tickets:my_tickets")}
        )
        english = page_text(as_requester.get(reverse("tickets:my_tickets")))
        assert 'lang="en"' in english and "My tickets" in english

    def test_pages_use_no_inline_script_and_no_external_assets(self, as_agent, ticket):
        for url in (reverse("tickets:queue"), detail(ticket)):
            body = page_text(as_agent.get(url))
            assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []
            assert " onclick=" not in body and " onchange=" not in body
            assert not re.search(r'(src|href)="(https?:)?//', body)


# --- Opening a ticket ----------------------------------------------------------------------


class TestNewTicket:
    def test_requester_opens_a_ticket_and_lands_on_it(
        self, as_requester, requester, network
    ):
        response = as_requester.post(
            reverse("tickets:create"), new_ticket_data(network)
        )
        ticket = Ticket.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/tickets/{ticket.pk}/"
        assert ticket.requester == requester
        assert ticket.location == "공학관 2동 305호"
        assert ticket.contact_phone == "02-1234-5678"
        assert ticket.events.filter(kind="created").exists()

    def test_location_and_phone_are_optional(self, as_requester, network):
        data = new_ticket_data(network, location="", contact_phone="")
        response = as_requester.post(reverse("tickets:create"), data)
        assert response.status_code == 302
        assert Ticket.objects.get().location == ""

    def test_an_empty_form_says_what_is_missing_beside_each_field(
        self, as_requester, network
    ):
        response = as_requester.post(reverse("tickets:create"), {})
        assert response.status_code == 200
        form = response.context["form"]
        assert set(form.errors) >= {"title", "description", "category"}
        assert page_text(response).count('class="field-error"') >= 3
        assert not Ticket.objects.exists()

    def test_a_blank_title_is_refused(self, as_requester, network):
        data = new_ticket_data(network, title="    ")
        response = as_requester.post(reverse("tickets:create"), data)
        assert "title" in response.context["form"].errors
        assert not Ticket.objects.exists()

    def test_an_over_long_title_is_refused_and_the_typed_text_kept(
        self, as_requester, network
    ):
        long_title = "가" * 201
        description = "설명은 그대로 남아야 합니다."
        data = new_ticket_data(network, title=long_title, description=description)
        response = as_requester.post(reverse("tickets:create"), data)
        assert response.status_code == 200
        assert "title" in response.context["form"].errors
        body = page_text(response)
        assert f'value="{long_title}"' in body
        assert description in body
        assert not Ticket.objects.exists()

    def test_over_long_description_is_refused(self, as_requester, network):
        data = new_ticket_data(network, description="x" * 20001)
        response = as_requester.post(reverse("tickets:create"), data)
        assert "description" in response.context["form"].errors

    def test_a_bad_phone_number_is_refused(self, as_requester, network):
        data = new_ticket_data(network, contact_phone="call me maybe")
        response = as_requester.post(reverse("tickets:create"), data)
        assert "contact_phone" in response.context["form"].errors

    def test_requesters_are_not_offered_urgent(self, as_requester, network):
        body = page_text(as_requester.get(reverse("tickets:create")))
        assert 'value="high"' in body
        assert 'value="urgent"' not in body
        response = as_requester.post(
            reverse("tickets:create"), new_ticket_data(network, priority="urgent")
        )
        assert "priority" in response.context["form"].errors
        assert not Ticket.objects.exists()

    def test_an_inactive_category_is_refused(self, as_requester, network):
        network.is_active = False
        network.save()
        response = as_requester.post(
            reverse("tickets:create"), new_ticket_data(network)
        )
        assert "category" in response.context["form"].errors

    def test_html_in_a_title_is_shown_as_text(self, as_requester, network):
        title = '<script>alert("x")</script><b>굵게</b>'
        as_requester.post(
            reverse("tickets:create"), new_ticket_data(network, title=title)
        )
        ticket = Ticket.objects.get()
        for url in (detail(ticket), reverse("tickets:my_tickets")):
            body = page_text(as_requester.get(url))
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
            assert '<script>alert("x")' not in body and "<b>굵게</b>" not in body

    def test_a_new_ticket_can_follow_up_a_closed_one(
        self, as_requester, make_ticket, agent
    ):
        earlier = make_ticket(status=Status.CLOSED, agent=agent)
        response = as_requester.get(f"{reverse('tickets:create')}?about={earlier.pk}")
        form = response.context["form"]
        assert earlier.reference in form.initial["title"]
        assert form.initial["category"] == earlier.category_id

    def test_a_follow_up_of_someone_elses_ticket_starts_empty(
        self, as_requester, make_ticket, other_requester
    ):
        theirs = make_ticket(requester=other_requester, title="비밀 제목")
        response = as_requester.get(f"{reverse('tickets:create')}?about={theirs.pk}")
        assert response.context["form"].initial == {}
        assert "비밀 제목" not in page_text(response)


class TestOnBehalf:
    def test_agent_opens_a_ticket_for_a_requester(
        self, as_agent, agent, requester, network
    ):
        data = new_ticket_data(
            network, requester=requester.email.upper(), priority="urgent"
        )
        response = as_agent.post(reverse("tickets:create_on_behalf"), data)
        ticket = Ticket.objects.get()
        assert response.status_code == 302
        assert ticket.requester == requester
        assert ticket.priority == Priority.URGENT
        assert ticket.events.get(kind="created").actor == agent

    def test_an_unknown_requester_is_explained_beside_the_field(
        self, as_agent, network
    ):
        data = new_ticket_data(network, requester="nobody@school.ac.kr")
        response = as_agent.post(reverse("tickets:create_on_behalf"), data)
        assert response.status_code == 200
        assert "requester" in response.context["form"].errors
        assert 'value="nobody@school.ac.kr"' in page_text(response)

    def test_a_ticket_cannot_be_opened_for_another_agent(
        self, as_agent, other_agent, network
    ):
        data = new_ticket_data(network, requester=other_agent.email)
        response = as_agent.post(reverse("tickets:create_on_behalf"), data)
        assert "requester" in response.context["form"].errors
        assert not Ticket.objects.exists()

    def test_requesters_cannot_use_the_on_behalf_form(self, as_requester, network):
        assert as_requester.get(reverse("tickets:create_on_behalf")).status_code == 403
        data = new_ticket_data(network, requester="student2@school.ac.kr")
        response = as_requester.post(reverse("tickets:create_on_behalf"), data)
        assert response.status_code == 403
        assert not Ticket.objects.exists()


# --- My tickets -----------------------------------------------------------------------------


class TestMyTickets:
    def test_lists_own_tickets_with_status_badges_in_words(
        self, as_requester, make_ticket, agent
    ):
        make_ticket(title="대기 중인 티켓", status=Status.WAITING, agent=agent)
        body = page_text(as_requester.get(reverse("tickets:my_tickets")))
        assert "대기 중인 티켓" in body
        assert re.search(r'<span class="tag status-waiting">[^<]+</span>', body)

    def test_pages_with_next_and_previous_links(self, as_requester, make_ticket):
        titles = {make_ticket().title for _ in range(30)}
        first = as_requester.get(reverse("tickets:my_tickets"))
        assert len(listing(first).page.rows) == 25
        assert listing(first).page.previous_url is None
        second = as_requester.get(listing(first).page.next_url)
        assert len(listing(second).page.rows) == 5
        assert listing(second).page.next_url is None
        seen = {t.title for t in listing(first).page.rows} | {
            t.title for t in listing(second).page.rows
        }
        assert seen == titles
        back = as_requester.get(listing(second).page.previous_url)
        assert [t.pk for t in listing(back).page.rows] == [
            t.pk for t in listing(first).page.rows
        ]

    def test_status_filter_and_search(self, as_requester, make_ticket, agent):
        make_ticket(title="메일 용량 초과")
        make_ticket(title="와이파이 끊김", status=Status.CLOSED, agent=agent)
        response = as_requester.get(reverse("tickets:my_tickets"), {"status": "closed"})
        assert [t.title for t in listing(response).page.rows] == ["와이파이 끊김"]
        response = as_requester.get(reverse("tickets:my_tickets"), {"q": "메일"})
        assert [t.title for t in listing(response).page.rows] == ["메일 용량 초과"]

    def test_a_forged_page_link_shows_the_first_page(self, as_requester, make_ticket):
        make_ticket(title="첫 페이지")
        response = as_requester.get(reverse("tickets:my_tickets"), {"cursor": "forged"})
        assert response.status_code == 200
        assert "첫 페이지" in page_text(response)
        assert 'role="alert"' in page_text(response)

    def test_runs_the_same_queries_for_few_and_many_tickets(
        self, client, requester, make_ticket, django_assert_num_queries
    ):
        client.force_login(requester)
        make_ticket()
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("tickets:my_tickets"))
        for _ in range(30):
            make_ticket(description="긴 설명 " * 20)
        # session, user, the badge, the open outage notices (the portal's
        # banner; from the versioned cache when it is on); the page's ids in
        # their own transaction (savepoint, plan setting, ids, release); rows
        with django_assert_num_queries(9):
            client.get(reverse("tickets:my_tickets"))
        assert len(few) == 9


# --- The ticket page, as the requester ------------------------------------------------------


class TestTicketPageForRequester:
    def test_someone_elses_ticket_is_not_found(
        self, as_requester, make_ticket, other_requester
    ):
        theirs = make_ticket(requester=other_requester)
        assert as_requester.get(detail(theirs)).status_code == 404
        assert (
            as_requester.post(action("reply", theirs), {"body": "x"}).status_code == 404
        )
        assert (
            as_requester.post(action("close", theirs), {"version": 1}).status_code
            == 404
        )
        assert not theirs.comments.exists()

    def test_a_ticket_that_does_not_exist_is_not_found(self, as_requester):
        assert as_requester.get("/tickets/999999/").status_code == 404
        assert as_requester.get("/tickets/99999999999999999999/").status_code == 404

    def test_shows_public_replies_but_never_internal_notes(
        self, as_requester, ticket, agent
    ):
        services.ticket_reply(ticket=ticket, by=agent, body="공개 답변입니다")
        services.ticket_reply(
            ticket=ticket, by=agent, body="요청자에게 비밀인 메모", internal=True
        )
        body = page_text(as_requester.get(detail(ticket)))
        assert "공개 답변입니다" in body
        assert "요청자에게 비밀인 메모" not in body
        assert "내부 메모" not in body
        assert 'name="visibility"' not in body

    def test_reply_is_sent_and_redirects_to_it(self, as_requester, ticket, requester):
        response = as_requester.post(
            action("reply", ticket), {"body": "추가 정보입니다"}
        )
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{detail(ticket)}#comment-{comment.pk}"
        assert comment.author == requester and not comment.internal

    def test_a_requester_cannot_post_an_internal_note(self, as_requester, ticket):
        as_requester.post(
            action("reply", ticket), {"body": "몰래 메모", "visibility": "internal"}
        )
        assert Comment.objects.get().internal is False

    @pytest.mark.parametrize("status", [Status.WAITING, Status.RESOLVED])
    def test_a_reply_reopens_a_waiting_or_resolved_ticket(
        self, as_requester, make_ticket, agent, status
    ):
        ticket = make_ticket(status=status, agent=agent)
        as_requester.post(action("reply", ticket), {"body": "아직 안 됩니다"})
        ticket.refresh_from_db()
        assert ticket.status == Status.IN_PROGRESS

    def test_an_empty_reply_is_refused_beside_the_field(self, as_requester, ticket):
        response = as_requester.post(action("reply", ticket), {"body": "   "})
        assert response.status_code == 200
        assert "body" in response.context["reply_form"].errors
        assert not Comment.objects.exists()

    def test_an_over_long_reply_keeps_the_text(self, as_requester, ticket):
        text = "가" * 20001
        response = as_requester.post(action("reply", ticket), {"body": text})
        assert "body" in response.context["reply_form"].errors
        assert text in page_text(response)

    def test_html_in_a_reply_is_shown_as_text(self, as_requester, ticket):
        as_requester.post(
            action("reply", ticket), {"body": "<img src=x onerror=alert(1)>"}
        )
        body = page_text(as_requester.get(detail(ticket)))
        assert "&lt;img src=x onerror=alert(1)&gt;" in body
        assert "<img src=x" not in body

    def test_a_closed_ticket_offers_a_new_ticket_instead_of_a_reply(
        self, as_requester, make_ticket, agent
    ):
        ticket = make_ticket(status=Status.CLOSED, agent=agent)
        body = page_text(as_requester.get(detail(ticket)))
        assert f'href="/tickets/new/?about={ticket.pk}"' in body
        assert f'action="{action("reply", ticket)}"' not in body

    def test_a_reply_to_a_ticket_closed_meanwhile_keeps_the_text(
        self, as_requester, ticket, agent
    ):
        services.ticket_close(ticket=ticket, by=agent)
        response = as_requester.post(action("reply", ticket), {"body": "방금 쓴 긴 글"})
        assert response.status_code == 200
        assert not Comment.objects.exists()
        followup = response.context["followup_form"]
        assert followup.initial["description"] == "방금 쓴 긴 글"
        assert "방금 쓴 긴 글" in page_text(response)
        assert 'role="alert"' in page_text(response)

    def test_the_requester_closes_their_ticket(self, as_requester, ticket):
        response = as_requester.post(
            action("close", ticket), {"version": ticket.version}
        )
        ticket.refresh_from_db()
        assert response.status_code == 302
        assert ticket.status == Status.CLOSED

    def test_a_stale_close_is_refused_with_a_clear_message(
        self, as_requester, ticket, agent
    ):
        stale = ticket.version
        services.ticket_priority_change(ticket=ticket, priority="high", by=agent)
        response = as_requester.post(action("close", ticket), {"version": stale})
        ticket.refresh_from_db()
        assert response.status_code == 200
        assert ticket.status == Status.NEW
        assert response.context["close_form"].errors
        assert response.context["ticket"].priority == "high"
        assert [m.level_tag for m in response.context["messages"]] == ["warning"]

    def test_a_tampered_version_is_refused(self, as_requester, ticket):
        response = as_requester.post(action("close", ticket), {"version": "abc"})
        assert response.status_code == 200
        assert response.context["close_form"].errors

    def test_requesters_cannot_use_staff_controls(self, as_requester, ticket):
        body = page_text(as_requester.get(detail(ticket)))
        assert action("update", ticket) not in body
        data = {"version": ticket.version, "status": "resolved", "priority": "urgent"}
        assert as_requester.post(action("update", ticket), data).status_code == 403
        assert (
            as_requester.post(action("assign_to_me", ticket), data).status_code == 403
        )
        ticket.refresh_from_db()
        assert (ticket.status, ticket.priority) == (Status.NEW, Priority.MEDIUM)

    def test_sees_the_assignees_name_but_not_their_email(
        self, as_requester, ticket, agent
    ):
        services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
        body = page_text(as_requester.get(detail(ticket)))
        assert agent.name in body and agent.email not in body

    def test_a_get_on_an_action_goes_back_to_the_ticket(self, as_requester, ticket):
        response = as_requester.get(action("reply", ticket))
        assert response.status_code == 302
        assert response["Location"] == detail(ticket)


# --- The ticket page, as staff --------------------------------------------------------------


class TestTicketPageForStaff:
    def test_agent_adds_an_internal_note_shown_apart(self, as_agent, ticket):
        as_agent.post(
            action("reply", ticket),
            {"body": "내부 확인 필요", "visibility": "internal"},
        )
        comment = Comment.objects.get()
        assert comment.internal
        body = page_text(as_agent.get(detail(ticket)))
        assert re.search(r'class="comment internal" id="comment-\d+"', body)
        assert "내부 메모" in body and "내부 확인 필요" in body

    def test_agent_replies_publicly(self, as_agent, ticket):
        as_agent.post(
            action("reply", ticket), {"body": "확인했습니다", "visibility": "public"}
        )
        ticket.refresh_from_db()
        assert Comment.objects.get().internal is False
        assert ticket.status == Status.IN_PROGRESS
        assert ticket.first_responded_at is not None

    def test_agent_assigns_the_ticket_to_themself(self, as_agent, agent, ticket):
        response = as_agent.post(
            action("assign_to_me", ticket), {"version": ticket.version}
        )
        ticket.refresh_from_db()
        assert response.status_code == 302
        assert ticket.assignee == agent
        assert ticket.status == Status.IN_PROGRESS

    def test_agent_changes_status_priority_category_and_assignee_at_once(
        self, as_agent, ticket, other_agent, email_category
    ):
        data = {
            "version": ticket.version,
            "status": Status.WAITING,
            "priority": Priority.URGENT,
            "category": email_category.pk,
            "assignee": other_agent.pk,
        }
        response = as_agent.post(action("update", ticket), data)
        ticket.refresh_from_db()
        assert response.status_code == 302
        assert ticket.status == Status.WAITING
        assert ticket.priority == Priority.URGENT
        assert ticket.category == email_category
        assert ticket.assignee == other_agent
        assert ticket.version == 2

    def test_a_stale_update_keeps_the_choices_and_offers_the_fresh_version(
        self, as_agent, ticket, other_agent
    ):
        stale = ticket.version
        services.ticket_assign(ticket=ticket, assignee=other_agent, by=other_agent)
        data = {
            "version": stale,
            "status": Status.IN_PROGRESS,
            "priority": Priority.HIGH,
            "category": ticket.category_id,
            "assignee": "",
        }
        response = as_agent.post(action("update", ticket), data)
        fresh = Ticket.objects.get()
        assert response.status_code == 200
        assert fresh.priority == Priority.MEDIUM and fresh.assignee == other_agent
        form = response.context["staff_form"]
        assert form.non_field_errors()
        assert form["priority"].value() == Priority.HIGH
        assert form["version"].value() == str(fresh.version)
        assert [m.level_tag for m in response.context["messages"]] == ["warning"]

    def test_a_forbidden_transition_is_shown_beside_the_status(
        self, as_agent, make_ticket, agent
    ):
        ticket = make_ticket(status=Status.CLOSED, agent=agent)
        data = {
            "version": ticket.version,
            "status": Status.WAITING,
            "priority": ticket.priority,
            "category": ticket.category_id,
            "assignee": "",
        }
        response = as_agent.post(action("update", ticket), data)
        assert response.status_code == 200
        assert "status" in response.context["staff_form"].errors

    def test_shows_the_history_timeline(self, as_agent, ticket, agent):
        services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
        timeline = as_agent.get(detail(ticket)).context["timeline"]
        texts = [item["text"] for item in timeline]
        assert any(agent.name in text and "담당" in text for text in texts)
        assert any("처리 중" in text for text in texts)

    def test_sees_the_requesters_contact_details(
        self, as_agent, make_ticket, requester
    ):
        ticket = make_ticket(contact_phone="010-1111-2222")
        body = page_text(as_agent.get(detail(ticket)))
        assert requester.email in body and "010-1111-2222" in body


# --- The queue ---------------------------------------------------------------------------------


class TestQueue:
    def test_requesters_cannot_see_the_queue(self, as_requester):
        assert as_requester.get(reverse("tickets:queue")).status_code == 403

    def test_shows_open_tickets_by_default_with_counts_per_status(
        self, as_agent, make_ticket, agent
    ):
        make_ticket(title="새 티켓")
        make_ticket(title="닫힌 티켓", status=Status.CLOSED, agent=agent)
        response = as_agent.get(reverse("tickets:queue"))
        titles = [t.title for t in listing(response).page.rows]
        assert titles == ["새 티켓"]
        counts = {tab["code"]: tab["count"] for tab in listing(response).status_tabs}
        assert counts == {
            "open": 1,
            "new": 1,
            "in_progress": 0,
            "waiting": 0,
            "resolved": 0,
            "closed": 1,
            "all": 2,
        }

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"status": "all"}, {"a", "b", "c", "d"}),
            ({"status": "waiting"}, {"c"}),
            ({"priority": "high"}, {"b"}),
            ({"category": "email"}, {"d"}),
            ({"assignee": "me"}, {"a"}),
            ({"assignee": "none"}, {"b", "c", "d"}),
            ({"q": "프린터"}, {"b"}),
            ({"q": "프린터", "priority": "low"}, set()),
        ],
    )
    def test_filters(
        self, as_agent, agent, make_ticket, email_category, query, expected
    ):
        a = make_ticket(title="a")
        services.ticket_assign(ticket=a, assignee=agent, by=agent)
        make_ticket(title="b", description="프린터 고장", priority="high")
        make_ticket(title="c", status=Status.WAITING, agent=agent)
        make_ticket(title="d", category=email_category)
        response = as_agent.get(reverse("tickets:queue"), {"status": "all", **query})
        assert {t.title for t in listing(response).page.rows} == expected

    def test_filter_by_a_named_assignee(self, as_agent, make_ticket, other_agent):
        theirs = make_ticket(title="theirs")
        services.ticket_assign(ticket=theirs, assignee=other_agent, by=other_agent)
        make_ticket(title="unassigned")
        response = as_agent.get(reverse("tickets:queue"), {"assignee": other_agent.pk})
        assert [t.title for t in listing(response).page.rows] == ["theirs"]

    def test_a_reference_finds_its_ticket(self, as_agent, make_ticket):
        wanted = make_ticket(title="찾는 티켓")
        make_ticket(title="다른 티켓")
        response = as_agent.get(reverse("tickets:queue"), {"q": wanted.reference})
        assert [t.pk for t in listing(response).page.rows] == [wanted.pk]

    def test_sorts_by_priority(self, as_agent, agent, make_ticket):
        for priority in ("low", "urgent", "medium", "high"):
            make_ticket(title=priority, priority=priority, by=agent)
        response = as_agent.get(reverse("tickets:queue"), {"ordering": "-priority"})
        assert [t.title for t in listing(response).page.rows] == [
            "urgent",
            "high",
            "medium",
            "low",
        ]

    def test_the_menus_show_the_filters_in_force(self, as_agent):
        response = as_agent.get(reverse("tickets:queue"))
        form, paging = listing(response).filterset.form, listing(response).paging
        assert form["status"].value() == "open"
        assert paging["page_size"].value() == "50"
        assert paging["ordering"].value() == "-updated_at"
        assert '<details class="more-filters">' in page_text(response)
        response = as_agent.get(reverse("tickets:queue"), {"priority": "high"})
        assert '<details class="more-filters" open>' in page_text(response)

    def test_bad_filter_values_are_explained_not_a_500(self, as_agent, make_ticket):
        make_ticket(title="보이는 티켓")
        response = as_agent.get(
            reverse("tickets:queue"),
            {"status": "nope", "ordering": "hack", "page_size": "9999", "q": "x" * 300},
        )
        assert response.status_code == 200
        view = listing(response)
        assert set(view.filterset.form.errors) == {"status", "q"}
        assert set(view.paging.errors) == {"ordering", "page_size"}
        text = page_text(response)
        assert 'class="field-error"' in text

    @pytest.mark.parametrize("ordering", ["-updated_at", "created_at", "-priority"])
    def test_paging_visits_every_ticket_once(self, as_agent, make_ticket, ordering):
        for index in range(60):
            make_ticket(priority=["low", "medium", "high"][index % 3])
        url = reverse("tickets:queue")
        response = as_agent.get(url, {"ordering": ordering, "page_size": 25})
        seen = []
        while True:
            seen += [t.pk for t in listing(response).page.rows]
            if not listing(response).page.next_url:
                break
            response = as_agent.get(listing(response).page.next_url)
        assert sorted(seen) == sorted(Ticket.objects.values_list("pk", flat=True))
        assert len(seen) == 60
        back = as_agent.get(listing(response).page.previous_url)
        assert len(listing(back).page.rows) == 25

    @pytest.mark.parametrize("page_size", [25, 50, 100])
    def test_runs_a_fixed_number_of_queries_whatever_the_page_size(
        self,
        client,
        agent,
        other_agent,
        make_ticket,
        django_assert_num_queries,
        page_size,
    ):
        client.force_login(agent)
        for index in range(120):
            ticket = make_ticket(title=f"티켓 {index}")
            if index % 2:
                services.ticket_assign(ticket=ticket, assignee=other_agent, by=agent)
        # session, user, the badge; the page's ids in their own transaction
        # (savepoint, plan setting, ids, release); their rows; counts, staff
        # menu, categories menu; the SLA calendar for the due column's working
        # time left (hours, closures, special hours: three, whatever the size);
        # the rows' tags (one prefetch) and the saved views for the tabs
        with django_assert_num_queries(16):
            response = client.get(reverse("tickets:queue"), {"page_size": page_size})
        assert len(listing(response).page.rows) == page_size


class TestBulk:
    def test_assigns_several_tickets_to_me(self, as_agent, agent, make_ticket):
        tickets = [make_ticket() for _ in range(3)]
        response = as_agent.post(
            reverse("tickets:bulk"),
            {
                "tickets": [t.pk for t in tickets[:2]],
                "operation": "assign",
                "assignee": "me",
                "next": "/queue/?status=all",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/queue/?status=all"
        assigned = Ticket.objects.filter(assignee=agent).count()
        assert assigned == 2

    def test_changes_status_and_reports_the_ones_it_could_not(
        self, as_agent, agent, make_ticket
    ):
        open_ticket = make_ticket()
        closed = make_ticket(status=Status.CLOSED, agent=agent)
        response = as_agent.post(
            reverse("tickets:bulk"),
            {
                "tickets": [open_ticket.pk, closed.pk],
                "operation": "status",
                "status": "waiting",
            },
            follow=True,
        )
        open_ticket.refresh_from_db()
        closed.refresh_from_db()
        assert open_ticket.status == Status.WAITING
        assert closed.status == Status.CLOSED
        levels = sorted(m.level_tag for m in response.context["messages"])
        assert levels == ["error", "success"]
        assert closed.reference in page_text(response)

    def test_nothing_ticked_is_explained(self, as_agent):
        response = as_agent.post(
            reverse("tickets:bulk"),
            {"operation": "assign", "assignee": "me"},
            follow=True,
        )
        assert [m.level_tag for m in response.context["messages"]] == ["error"]

    def test_an_outside_next_address_is_ignored(self, as_agent, make_ticket):
        ticket = make_ticket()
        response = as_agent.post(
            reverse("tickets:bulk"),
            {
                "tickets": [ticket.pk],
                "operation": "assign",
                "assignee": "none",
                "next": "https://evil.example/",
            },
        )
        assert response["Location"] == reverse("tickets:queue")

    def test_requesters_cannot_bulk_change(self, as_requester, ticket):
        response = as_requester.post(
            reverse("tickets:bulk"),
            {"tickets": [ticket.pk], "operation": "status", "status": "closed"},
        )
        assert response.status_code == 403
        ticket.refresh_from_db()
        assert ticket.status == Status.NEW

    def test_assigning_to_a_requester_is_impossible(self, as_agent, ticket, requester):
        response = as_agent.post(
            reverse("tickets:bulk"),
            {"tickets": [ticket.pk], "operation": "assign", "assignee": requester.pk},
            follow=True,
        )
        ticket.refresh_from_db()
        assert ticket.assignee is None
        assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_a_deactivated_assignee_leaves_the_ticket_unassigned_on_the_page(
    client, agent, ticket
):
    leaver = UserFactory(email="leaver@school.ac.kr", role="agent", name="퇴사자")
    services.ticket_assign(ticket=ticket, assignee=leaver, by=agent)
    leaver.is_active = False
    leaver.save()  # unassigns their open tickets (tickets.services.assignees)
    client.force_login(agent)
    form = client.get(detail(ticket)).context["staff_form"]
    assert form.initial["assignee"] is None
    assert str(leaver.pk) not in dict(form.fields["assignee"].choices)


def test_a_departed_assignee_still_on_a_ticket_stays_selectable(client, agent, ticket):
    # Deactivated without the model's save (a bulk update): the ticket still
    # names them, and saving the form unchanged must not fail on that choice.
    leaver = UserFactory(email="leaver@school.ac.kr", role="agent", name="퇴사자")
    services.ticket_assign(ticket=ticket, assignee=leaver, by=agent)
    User.objects.filter(pk=leaver.pk).update(is_active=False)
    client.force_login(agent)
    form = client.get(detail(ticket)).context["staff_form"]
    assert str(leaver.pk) in dict(form.fields["assignee"].choices)
