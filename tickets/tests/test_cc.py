"""People copied on a ticket (CC) and staff following it (issue 20).

A CC'd user is treated like the requester for that ticket only: sees it, its
public conversation and files, may reply; never internal content; may not
close it. Removing the CC removes the access on the very next request, with
the caches on. Staff may follow a ticket.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from attachments import services as attachment_services
from notifications.models import Notification
from tickets import selectors, services
from tickets.models import EventKind, Ticket, TicketCC, TicketEvent, TicketFollower

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    return UserFactory(email="student3@school.ac.kr", name="한조교")


@pytest.fixture
def ticket(requester, agent, network):
    ticket = services.ticket_create(
        by=requester, title="연구실 프린터 고장", category=network
    )
    return services.ticket_assign(ticket=ticket, assignee=agent, by=agent)


@pytest.fixture
def copied(ticket, requester, colleague):
    """`ticket` with `colleague` CC'd by its requester."""
    services.ticket_cc_add(ticket=ticket, person=colleague.email, by=requester)
    return Ticket.objects.get(pk=ticket.pk)


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def upload(ticket, by, name, *, internal=False):
    return attachment_services.attachment_upload(
        ticket=ticket,
        by=by,
        fileobj=ContentFile(b"contents\n", name=name),
        filename=name,
        content_type="text/plain",
        internal=internal,
    )


# --- Adding and removing --------------------------------------------------------------


def test_requester_adds_a_colleague_by_email_in_any_case(ticket, requester, colleague):
    before = ticket.version
    cc = services.ticket_cc_add(
        ticket=ticket, person="  Student3@SCHOOL.ac.kr ", by=requester
    )
    assert (cc.user, cc.added_by) == (colleague, requester)
    ticket.refresh_from_db()
    assert ticket.version == before + 1
    event = TicketEvent.objects.filter(ticket=ticket).latest("pk")
    assert (event.kind, event.new_value, event.internal) == (
        EventKind.CC_ADDED,
        str(colleague.pk),
        False,
    )


def test_adding_moves_the_data_version(ticket, requester, colleague):
    before = selectors.ticket_data_version()
    services.ticket_cc_add(ticket=ticket, person=colleague.email, by=requester)
    assert selectors.ticket_data_version() > before


@pytest.mark.parametrize(
    ("person", "code"),
    [
        ("nobody@school.ac.kr", "unknown_user"),
        ("inactive@school.ac.kr", "unknown_user"),
        ("student1@school.ac.kr", "requester"),
        ("student3@school.ac.kr", "duplicate"),
    ],
)
def test_adding_refuses_with_a_clear_error_and_writes_nothing(
    copied, requester, person, code
):
    UserFactory(email="inactive@school.ac.kr", is_active=False)
    before = (TicketCC.objects.count(), TicketEvent.objects.count(), copied.version)
    with pytest.raises(ValidationError) as error:
        services.ticket_cc_add(ticket=copied, person=person, by=requester)
    assert error.value.error_dict["email"][0].code == code
    copied.refresh_from_db()
    after = (TicketCC.objects.count(), TicketEvent.objects.count(), copied.version)
    assert after == before


def test_a_merge_may_add_someone_already_on_the_ticket_quietly(copied, agent):
    for person in (copied.requester, "student3@school.ac.kr"):
        assert (
            services.ticket_cc_add(
                ticket=copied, person=person, by=agent, if_absent=True
            )
            is None
        )
    assert TicketCC.objects.filter(ticket=copied).count() == 1


def test_who_may_add_and_remove(copied, colleague, other_requester, agent):
    newcomer = UserFactory(email="student4@school.ac.kr")
    # Someone else's ticket: it does not exist for them.
    with pytest.raises(Http404):
        services.ticket_cc_add(ticket=copied, person=newcomer, by=other_requester)
    # A CC'd user may not copy more people on it, nor remove others.
    with pytest.raises(PermissionDenied):
        services.ticket_cc_add(ticket=copied, person=newcomer, by=colleague)
    services.ticket_cc_add(ticket=copied, person=newcomer, by=agent)
    with pytest.raises(PermissionDenied):
        services.ticket_cc_remove(ticket=copied, person=newcomer, by=colleague)
    # But they may take themself off.
    services.ticket_cc_remove(ticket=copied, person=colleague.pk, by=colleague)
    assert list(TicketCC.objects.values_list("user", flat=True)) == [newcomer.pk]
    with pytest.raises(Http404):
        services.ticket_cc_remove(ticket=copied, person=colleague, by=agent)


def test_the_added_user_is_told_and_the_history_says_who(copied, colleague):
    note = Notification.objects.get(recipient=colleague)
    assert note.kind == "cc_added"
    assert "SD-" in note.text and "연구실 프린터 고장" in note.text
    page = browser(colleague).get(reverse("tickets:detail", args=[copied.pk]))
    assert "한조교" in page.content.decode()


# --- What a CC'd user sees ------------------------------------------------------------


def test_cc_user_sees_the_ticket_everywhere_a_requester_would(
    copied, colleague, as_user
):
    api = as_user(colleague)
    assert api.get(f"/api/tickets/{copied.pk}").status_code == 200
    ids = [row["id"] for row in api.get("/api/tickets").json()["results"]]
    assert ids == [copied.pk]
    counts = api.get("/api/tickets/counts").json()
    assert counts[copied.status] == 1 and sum(counts.values()) == 1
    page = browser(colleague).get(reverse("tickets:my_tickets")).content.decode()
    assert copied.reference in page and "cc-mark" in page


def test_my_tickets_lists_own_and_cc_tickets_once_each(
    copied, requester, colleague, network, as_user
):
    own = services.ticket_create(by=colleague, title="내 티켓", category=network)
    services.ticket_cc_add(ticket=own, person=requester, by=colleague)
    api = as_user(colleague)
    rows = api.get("/api/tickets", {"page_size": 1}).json()
    seen = [row["id"] for row in rows["results"]]
    while rows["next"]:
        rows = api.get(rows["next"]).json()
        seen += [row["id"] for row in rows["results"]]
    assert sorted(seen) == sorted([own.pk, copied.pk])
    page = browser(colleague).get(reverse("tickets:my_tickets")).content.decode()
    assert page.count(own.reference) == 1 and page.count(copied.reference) == 1
    assert page.count("cc-mark") == 1  # only the ticket they are copied on


def test_cc_user_never_sees_internal_content(copied, agent, colleague, as_user):
    services.ticket_reply(ticket=copied, by=agent, body="공개 답변입니다")
    services.ticket_reply(
        ticket=copied, by=agent, body="내부 메모입니다", internal=True
    )
    upload(copied, agent, "public.txt")
    upload(copied, agent, "secret-log.txt", internal=True)
    api = as_user(colleague)
    shown = "".join(
        api.get(f"/api/tickets/{copied.pk}/{part}").content.decode()
        for part in ("comments", "events", "attachments")
    )
    shown += browser(colleague).get(f"/tickets/{copied.pk}/").content.decode()
    assert "공개 답변입니다" in shown and "public.txt" in shown
    assert "내부 메모입니다" not in shown and "secret-log.txt" not in shown


def test_cc_user_ticket_json_has_no_staff_only_fields(copied, colleague, as_user):
    data = as_user(colleague).get(f"/api/tickets/{copied.pk}").json()
    for name in ("sla_state", "first_response_due_at", "resolution_due_at", "tags"):
        assert name not in data
    # The requester's e-mail is theirs and staff's to see, not a CC'd user's.
    assert "email" not in data["requester"]
    assert data["assignee"] == {"id": copied.assignee_id, "name": "이담당"}


def test_cc_user_may_reply_but_not_close_or_change(copied, colleague, as_user):
    api = as_user(colleague)
    reply = api.post(
        f"/api/tickets/{copied.pk}/comments",
        {"body": "저도 같은 문제입니다"},
        format="json",
    )
    assert reply.status_code == 201
    assert api.post(f"/api/tickets/{copied.pk}/close").status_code == 403
    patch = api.patch(f"/api/tickets/{copied.pk}", {"priority": "high"}, format="json")
    assert patch.status_code == 403
    assert api.post(f"/api/tickets/{copied.pk}/follow").status_code == 403
    page = browser(colleague).get(f"/tickets/{copied.pk}/").content.decode()
    assert 'id="reply"' in page and 'id="close"' not in page
    assert 'id="cc-add"' not in page


def test_cc_user_may_not_reply_to_a_closed_ticket(copied, requester, colleague):
    services.ticket_close(ticket=copied, by=requester)
    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=copied, by=colleague, body="아직 안 됩니다")


# --- Removal takes effect at once, caches on ---------------------------------------------


@pytest.fixture
def cache_on(settings):
    settings.TICKET_CACHE = True


@pytest.mark.usefixtures("cache_on")
@pytest.mark.parametrize("by", ["requester", "colleague", "agent"])
def test_removed_cc_gets_404_on_the_very_next_request(
    copied, colleague, request, as_user, by
):
    page, api = browser(colleague), as_user(colleague)
    detail = f"/tickets/{copied.pk}/"
    assert page.get(detail).status_code == 200  # warm the caches
    assert api.get(f"/api/tickets/{copied.pk}").status_code == 200
    assert [r["id"] for r in api.get("/api/tickets").json()["results"]] == [copied.pk]
    assert copied.reference in page.get("/tickets/").content.decode()

    services.ticket_cc_remove(
        ticket=copied, person=colleague, by=request.getfixturevalue(by)
    )

    assert page.get(detail).status_code == 404
    assert api.get(f"/api/tickets/{copied.pk}").status_code == 404
    assert api.get(f"/api/tickets/{copied.pk}/comments").status_code == 404
    assert api.get("/api/tickets").json()["results"] == []
    assert copied.reference not in page.get("/tickets/").content.decode()
    assert sum(api.get("/api/tickets/counts").json().values()) == 0


@pytest.mark.usefixtures("cache_on")
def test_the_ticket_page_shows_a_new_cc_at_once(ticket, requester, colleague):
    page = browser(requester)
    assert "한조교" not in page.get(f"/tickets/{ticket.pk}/").content.decode()
    services.ticket_cc_add(ticket=ticket, person=colleague, by=requester)
    assert "한조교" in page.get(f"/tickets/{ticket.pk}/").content.decode()


# --- The API ---------------------------------------------------------------------------


def test_api_add_list_and_remove(ticket, requester, colleague, as_user):
    api = as_user(requester)
    url = f"/api/tickets/{ticket.pk}/cc"
    created = api.post(url, {"email": "student3@school.ac.kr"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["user"] == {"id": colleague.pk, "name": "한조교"}
    assert [row["user"]["id"] for row in api.get(url + "/").json()] == [colleague.pk]
    duplicate = api.post(url, {"email": "student3@school.ac.kr"}, format="json")
    assert duplicate.status_code == 400
    assert list(duplicate.json()) == ["email"]
    assert api.delete(f"{url}/{colleague.pk}").status_code == 204
    assert api.delete(f"{url}/{colleague.pk}/").status_code == 404
    assert api.get(url).json() == []


@pytest.mark.parametrize(
    "body", [{}, {"email": ""}, {"email": "not-an-address"}, {"email": ["a@b.kr"]}]
)
def test_api_bad_input_is_a_400_in_drf_shape(ticket, requester, as_user, body):
    response = as_user(requester).post(
        f"/api/tickets/{ticket.pk}/cc", body, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["email"]
    assert not TicketCC.objects.exists()


def test_unknown_address_message_is_plain(ticket, requester, as_user):
    response = as_user(requester).post(
        f"/api/tickets/{ticket.pk}/cc", {"email": "ghost@school.ac.kr"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "email": ["이 이메일 주소를 쓰는 활성 사용자가 없습니다."]
    }


# --- Pages ----------------------------------------------------------------------------


def test_page_add_form_shows_errors_and_keeps_the_address(ticket, requester):
    page = browser(requester)
    response = page.post(
        reverse("tickets:cc_add", args=[ticket.pk]), {"email": "ghost@school.ac.kr"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "이 이메일 주소를 쓰는 활성 사용자가 없습니다." in body
    assert 'value="ghost@school.ac.kr"' in body


def test_page_add_and_leave(ticket, requester, colleague):
    added = browser(requester).post(
        reverse("tickets:cc_add", args=[ticket.pk]), {"email": colleague.email}
    )
    assert added.status_code == 302
    assert TicketCC.objects.filter(ticket=ticket, user=colleague).exists()
    left = browser(colleague).post(
        reverse("tickets:cc_remove", args=[ticket.pk]), {"user": colleague.pk}
    )
    assert left.status_code == 302 and left["Location"] == reverse("tickets:my_tickets")
    assert not TicketCC.objects.exists()


def test_staff_follow_and_unfollow_on_the_page_and_api(ticket, agent, as_user):
    page = browser(agent)
    url = reverse("tickets:follow", args=[ticket.pk])
    assert page.post(url, {"follow": "true"}).status_code == 302
    assert TicketFollower.objects.filter(ticket=ticket, user=agent).exists()
    assert (
        'name="follow" value="False"'
        in page.get(f"/tickets/{ticket.pk}/").content.decode()
    )
    assert page.post(url, {"follow": "false"}).status_code == 302
    assert not TicketFollower.objects.exists()
    api = as_user(agent)
    assert api.post(f"/api/tickets/{ticket.pk}/follow").json() == {"following": True}
    assert api.delete(f"/api/tickets/{ticket.pk}/follow").json() == {"following": False}


# --- Replies by e-mail --------------------------------------------------------------


def test_a_cc_users_mail_reply_is_added_until_they_are_removed(
    copied, requester, colleague, settings
):
    from inbound import services as inbound_services
    from inbound import tokens
    from inbound.tests.mails import mail

    settings.INBOUND_REPLY_ADDRESS = "help@school.ac.kr"
    address = tokens.reply_address(ticket_id=copied.pk, user_id=colleague.pk)
    raw = mail(sender=colleague.email, to=address, body="메일로 답합니다")
    result = inbound_services.inbound_message_process(raw=raw)
    assert (result.message.status, result.message.ticket_id) == ("replied", copied.pk)
    assert copied.comments.filter(author=colleague, internal=False).exists()

    services.ticket_cc_remove(ticket=copied, person=colleague, by=requester)
    raw = mail(sender=colleague.email, to=address, body="한 번 더 답합니다")
    result = inbound_services.inbound_message_process(raw=raw)
    assert result.message.status == "created"
    assert result.message.ticket_id != copied.pk
    assert not copied.comments.filter(body__contains="한 번 더").exists()
