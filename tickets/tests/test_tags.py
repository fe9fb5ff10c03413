"""Tags: staff-only labels on tickets (issue 20).

Through the services, the API (PATCH, `?tag=`), the queue (filter, chips,
bulk add/remove), the ticket page and the admin; and never to a requester.
"""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from notifications.models import QueuedEvent
from tickets import selectors, services
from tickets.models import EventKind, Tag, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

SECRET = "반복문의"


def names(ticket) -> list[str]:
    return sorted(tag.name for tag in Ticket.objects.get(pk=ticket.pk).tags.all())


# --- Names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("  VPN  ", "VPN"),
        ("반복   문의", "반복 문의"),
        ("프린터\t고장", "프린터 고장"),
        ("가" * 50, "가" * 50),
    ],
)
def test_names_are_normalised(raw, stored):
    assert services.tag_name_normalize(raw) == stored


@pytest.mark.parametrize("raw", ["", "   ", "가" * 51, "a,b", "bad\x00", 7, None])
def test_bad_names_are_refused_with_a_coded_error(raw):
    with pytest.raises(ValidationError) as caught:
        services.tag_name_normalize(raw)
    assert caught.value.error_dict["tags"][0].code == "invalid_tag"


def test_the_same_name_in_another_case_is_the_same_tag(ticket, other_requester, agent):
    services.ticket_tags_set(ticket=ticket, by=agent, tags=["VPN"])
    other = services.ticket_create(
        by=other_requester, title="VPN 안됨", category=ticket.category
    )
    services.ticket_tags_set(ticket=other, by=agent, tags=["vpn", "VPN ", "Vpn"])
    assert Tag.objects.count() == 1
    assert names(other) == ["VPN"]  # the first spelling is kept


# --- Services -------------------------------------------------------------------------


def test_setting_tags_writes_one_internal_event_and_leaves_the_ticket_row(
    ticket, agent
):
    before = Ticket.objects.get(pk=ticket.pk)
    version = selectors.ticket_data_version()
    services.ticket_tags_set(ticket=ticket, by=agent, tags=[SECRET, "VPN"])
    after = Ticket.objects.get(pk=ticket.pk)
    assert names(ticket) == ["VPN", SECRET]
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.TAGS_CHANGED)
    assert event.internal and event.actor == agent
    assert event.old_value == "" and SECRET in event.new_value
    # Internal: what a requester sees of the ticket does not move...
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    # ...but the cached pages are never stale.
    assert selectors.ticket_data_version() > version


def test_setting_the_same_tags_again_is_no_change(ticket, agent):
    services.ticket_tags_set(ticket=ticket, by=agent, tags=["VPN"])
    services.ticket_tags_set(ticket=ticket, by=agent, tags=["vpn"])
    assert TicketEvent.objects.filter(kind=EventKind.TAGS_CHANGED).count() == 1


def test_a_requester_cannot_tag_even_their_own_ticket(ticket, requester):
    with pytest.raises(PermissionDenied):
        services.ticket_tags_set(ticket=ticket, by=requester, tags=[SECRET])
    assert not Tag.objects.exists()


def test_a_stale_version_is_refused_and_nothing_is_tagged(ticket, agent):
    services.ticket_update(ticket=ticket, by=agent, priority="high")
    with pytest.raises(ValidationError) as caught:
        services.ticket_tags_set(ticket=ticket, by=agent, tags=[SECRET], version=1)
    assert caught.value.code == "conflict"
    assert names(ticket) == []


def test_add_and_remove_leave_the_other_tags(ticket, agent):
    services.ticket_tags_set(ticket=ticket, by=agent, tags=["VPN", "기숙사"])
    services.ticket_tags_change(ticket=ticket, by=agent, add=[SECRET], remove=["vpn"])
    assert names(ticket) == ["기숙사", SECRET]


def test_too_many_tags_are_refused(ticket, agent):
    with pytest.raises(ValidationError) as caught:
        services.ticket_tags_set(
            ticket=ticket, by=agent, tags=[f"tag{i}" for i in range(21)]
        )
    assert caught.value.error_dict["tags"][0].code == "too_many_tags"


def test_admin_services_rename_merge_and_delete(make_ticket, agent, admin_user):
    first, second = make_ticket(), make_ticket()
    services.ticket_tags_set(ticket=first, by=agent, tags=["VPN", "vpn문의"])
    services.ticket_tags_set(ticket=second, by=agent, tags=["vpn문의"])
    vpn, other = Tag.objects.get(name="VPN"), Tag.objects.get(name="vpn문의")
    with pytest.raises(PermissionDenied):
        services.tag_rename(tag=vpn, name="가상사설망", by=agent)
    with pytest.raises(ValidationError):
        services.tag_rename(tag=vpn, name="VPN문의", by=admin_user)
    services.tag_rename(tag=vpn, name="  가상사설망 ", by=admin_user)
    assert names(first) == ["vpn문의", "가상사설망"]
    version = selectors.ticket_data_version()
    moved = services.tags_merge(
        tags=[Tag.objects.get(name="가상사설망"), other], into=other, by=admin_user
    )
    assert moved == 0  # the first ticket already had it
    assert names(first) == ["vpn문의"] and names(second) == ["vpn문의"]
    assert selectors.ticket_data_version() > version
    services.tags_delete(tags=[other], by=admin_user)
    assert names(first) == []


# --- API ---------------------------------------------------------------------------------


def test_staff_patch_tags_and_read_them_back(as_user, agent, ticket):
    client = as_user(agent)
    answer = client.patch(
        f"/api/tickets/{ticket.pk}",
        {"tags": [" 반복문의 ", "VPN"], "version": ticket.version},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["tags"] == ["VPN", SECRET]
    assert answer.json()["version"] == ticket.version  # internal: no new version
    listed = client.get("/api/tickets").json()["results"]
    assert listed[0]["tags"] == ["VPN", SECRET]


def test_patch_with_tags_and_priority_is_one_change(as_user, agent, ticket):
    answer = as_user(agent).patch(
        f"/api/tickets/{ticket.pk}",
        {"tags": [SECRET], "priority": "high"},
        format="json",
    )
    assert answer.status_code == 200
    assert answer.json()["tags"] == [SECRET]
    assert answer.json()["version"] == ticket.version + 1


@pytest.mark.parametrize(
    "tags",
    [
        ["a,b"],
        [""],
        ["가" * 51],
        "VPN",
        [["nested"]],
        [{"x": 1}],
        [f"t{i}" for i in range(21)],
    ],
)
def test_bad_tags_are_a_400_in_the_tags_field_and_change_nothing(
    as_user, agent, ticket, tags
):
    services.ticket_tags_set(ticket=ticket, by=agent, tags=["VPN"])
    answer = as_user(agent).patch(
        f"/api/tickets/{ticket.pk}", {"tags": tags, "priority": "high"}, format="json"
    )
    assert answer.status_code == 400
    assert list(answer.json()) == ["tags"]
    saved = Ticket.objects.get(pk=ticket.pk)
    assert names(ticket) == ["VPN"] and saved.priority == ticket.priority


def test_a_stale_version_with_tags_is_409(as_user, agent, ticket):
    services.ticket_update(ticket=ticket, by=agent, priority="high")
    answer = as_user(agent).patch(
        f"/api/tickets/{ticket.pk}", {"tags": [SECRET], "version": 1}, format="json"
    )
    assert answer.status_code == 409
    assert names(ticket) == []


def test_a_requester_cannot_patch_tags(as_user, requester, ticket):
    answer = as_user(requester).patch(
        f"/api/tickets/{ticket.pk}", {"tags": [SECRET]}, format="json"
    )
    assert answer.status_code == 403
    assert not Tag.objects.exists()


def test_staff_filter_the_list_by_tag_whatever_its_case(as_user, agent, make_ticket):
    tagged, other = make_ticket(), make_ticket()
    services.ticket_tags_set(ticket=tagged, by=agent, tags=["VPN"])
    client = as_user(agent)
    for value in ("VPN", "vpn", "  vpn "):
        ids = [
            row["id"]
            for row in client.get("/api/tickets", {"tag": value}).json()["results"]
        ]
        assert ids == [tagged.pk]
    assert client.get("/api/tickets", {"tag": "없는태그"}).json()["results"] == []
    assert client.get("/api/tickets", {"tag": "a,b"}).status_code == 400
    assert other.pk in [r["id"] for r in client.get("/api/tickets").json()["results"]]


# --- Never to a requester -------------------------------------------------------------


@pytest.fixture
def tagged(ticket, agent):
    services.ticket_tags_set(ticket=ticket, by=agent, tags=[SECRET])
    return ticket


@override_settings(TICKET_CACHE=True)
def test_requester_api_shows_no_tags_anywhere(as_user, requester, tagged):
    client = as_user(requester)
    detail = client.get(f"/api/tickets/{tagged.pk}")
    listed = client.get("/api/tickets")
    events = client.get(f"/api/tickets/{tagged.pk}/events")
    for answer in (detail, listed, events):
        assert answer.status_code == 200
        assert SECRET not in answer.content.decode()
        assert "tags" not in answer.content.decode()
    assert "tags" not in detail.json()
    assert EventKind.TAGS_CHANGED not in [e["kind"] for e in events.json()]


def test_a_requesters_tag_filter_is_ignored_and_reveals_nothing(
    as_user, requester, tagged, make_ticket
):
    other_own = make_ticket()
    client = as_user(requester)
    plain = client.get("/api/tickets").json()["results"]
    with_known = client.get("/api/tickets", {"tag": SECRET}).json()["results"]
    with_unknown = client.get("/api/tickets", {"tag": "없는태그"}).json()["results"]
    assert plain == with_known == with_unknown
    assert {row["id"] for row in plain} == {tagged.pk, other_own.pk}


def test_requester_search_and_counts_ignore_tags(as_user, requester, tagged):
    client = as_user(requester)
    assert client.get("/api/tickets", {"q": SECRET}).json()["results"] == []
    counts = client.get("/api/tickets/counts").json()
    assert SECRET not in str(counts) and sum(counts.values()) == 1


@override_settings(TICKET_CACHE=True)
def test_requester_pages_show_no_tags(client, requester, agent, tagged):
    client.force_login(agent)
    assert (
        SECRET
        in client.get(reverse("tickets:detail", args=[tagged.pk])).content.decode()
    )
    client.force_login(requester)
    for url in (
        reverse("tickets:detail", args=[tagged.pk]),
        reverse("tickets:my_tickets"),
        reverse("tickets:my_tickets") + f"?q={SECRET}",
        reverse("tickets:my_tickets") + f"?tag={SECRET}",
    ):
        page = client.get(url).content.decode()
        # The search box shows back what was typed; nothing else may.
        page = page.replace(f'value="{SECRET}"', "")
        assert SECRET not in page, url
        assert 'id="tags"' not in page and 'class="chip"' not in page


def test_tagging_sends_nothing_and_later_mail_carries_no_tags(
    ticket, agent, requester, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("notifications_worker", "--once", verbosity=0)
    mail.outbox.clear()
    queued = QueuedEvent.objects.count()
    services.ticket_tags_set(ticket=ticket, by=agent, tags=[SECRET])
    assert QueuedEvent.objects.count() == queued  # nobody is told of a tag
    services.ticket_reply(ticket=ticket, by=agent, body="확인 중입니다.")
    call_command("notifications_worker", "--once", verbosity=0)
    assert [message.to for message in mail.outbox] == [[requester.email]]
    for message in mail.outbox:
        text = message.subject + message.body
        text += "".join(str(content) for content, _type in message.alternatives)
        assert SECRET not in text


def test_a_requester_cannot_post_the_tag_form(client, requester, ticket):
    client.force_login(requester)
    answer = client.post(reverse("tickets:tags", args=[ticket.pk]), {"tags": SECRET})
    assert answer.status_code == 403
    assert not Tag.objects.exists()


# --- Pages (staff) -------------------------------------------------------------------


def test_the_ticket_page_form_sets_tags_and_shows_them(client, agent, ticket):
    client.force_login(agent)
    answer = client.post(
        reverse("tickets:tags", args=[ticket.pk]), {"tags": "반복문의,  VPN , vpn"}
    )
    assert answer.status_code == 302
    assert names(ticket) == ["VPN", SECRET]
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'class="chip"' in page and SECRET in page
    assert "님이 태그를 바꿨습니다: 태그 없음 → VPN, 반복문의" in page  # history


def test_the_ticket_page_form_shows_bad_input_and_keeps_it(client, agent, ticket):
    services.ticket_tags_set(ticket=ticket, by=agent, tags=["VPN"])
    client.force_login(agent)
    answer = client.post(
        reverse("tickets:tags", args=[ticket.pk]), {"tags": "좋은태그, " + "가" * 51}
    )
    assert answer.status_code == 200
    assert answer.context["tags_form"].errors["tags"]
    assert "가" * 51 in answer.content.decode()  # what was typed stays
    assert names(ticket) == ["VPN"]


@override_settings(TICKET_CACHE=True)
def test_the_cached_ticket_page_form_posts_with_this_answers_token(agent, ticket):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    url = reverse("tickets:detail", args=[ticket.pk])
    browser.get(url)
    html = browser.get(url).content.decode()  # from the cache
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)" form="tags"', html
    ).group(1)
    answer = browser.post(
        reverse("tickets:tags", args=[ticket.pk]),
        {"tags": SECRET, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302
    assert SECRET in browser.get(url).content.decode()


def test_the_queue_filters_by_tag_and_shows_chips(client, agent, make_ticket):
    tagged, _untagged = make_ticket(title="태그 있음"), make_ticket(title="태그 없음")
    services.ticket_tags_set(ticket=tagged, by=agent, tags=[SECRET])
    client.force_login(agent)
    page = client.get(reverse("tickets:queue")).content.decode()
    assert 'class="chip"' in page and SECRET in page
    filtered = client.get(reverse("tickets:queue"), {"tag": SECRET})
    rows = filtered.context["view"].page.rows
    assert [row.pk for row in rows] == [tagged.pk]
    assert filtered.context["view"].total == 1
    bad = client.get(reverse("tickets:queue"), {"tag": "a,b"})
    assert bad.status_code == 200
    assert bad.context["view"].filterset.form.errors["tag"]


@override_settings(TICKET_CACHE=True)
def test_a_tag_change_shows_on_the_cached_queue_at_once(client, agent, ticket):
    client.force_login(agent)
    assert SECRET not in client.get(reverse("tickets:queue")).content.decode()
    services.ticket_tags_set(ticket=ticket, by=agent, tags=[SECRET])
    assert SECRET in client.get(reverse("tickets:queue")).content.decode()


@pytest.mark.parametrize("operation", ["tag_add", "tag_remove"])
def test_bulk_add_and_remove_a_tag(client, agent, make_ticket, operation):
    tickets = [make_ticket() for _ in range(3)]
    services.ticket_tags_set(ticket=tickets[0], by=agent, tags=["VPN"])
    client.force_login(agent)
    answer = client.post(
        reverse("tickets:bulk"),
        {"tickets": [t.pk for t in tickets[:2]], "operation": operation, "tag": "vpn"},
    )
    assert answer.status_code == 302
    if operation == "tag_add":
        assert [names(t) for t in tickets] == [["VPN"], ["VPN"], []]
    else:
        assert [names(t) for t in tickets] == [[], [], []]


@pytest.mark.parametrize("tag", ["", "a,b", "가" * 51])
def test_bulk_tagging_with_a_bad_tag_changes_nothing(client, agent, make_ticket, tag):
    ticket = make_ticket()
    client.force_login(agent)
    answer = client.post(
        reverse("tickets:bulk"),
        {"tickets": [ticket.pk], "operation": "tag_add", "tag": tag},
        follow=True,
    )
    assert names(ticket) == []
    assert any(m.level_tag == "error" for m in answer.context["messages"])


# --- Admin -------------------------------------------------------------------------------


def test_admin_renames_and_merges_tags(client, admin_user, agent, make_ticket):
    first, second = make_ticket(), make_ticket()
    services.ticket_tags_set(ticket=first, by=agent, tags=["VPN"])
    services.ticket_tags_set(ticket=second, by=agent, tags=["vpn 문의", "VPN"])
    client.force_login(admin_user)
    vpn = Tag.objects.get(name="VPN")
    clash = client.post(
        reverse("admin:tickets_tag_change", args=[vpn.pk]), {"name": "VPN 문의"}
    )
    assert clash.status_code == 200 and clash.context["adminform"].form.errors
    renamed = client.post(
        reverse("admin:tickets_tag_change", args=[vpn.pk]), {"name": " 가상  사설망 "}
    )
    assert renamed.status_code == 302
    assert Tag.objects.get(pk=vpn.pk).name == "가상 사설망"
    merged = client.post(
        reverse("admin:tickets_tag_changelist"),
        {
            "action": "merge_selected",
            "_selected_action": [tag.pk for tag in Tag.objects.all()],
        },
    )
    assert merged.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["가상 사설망"]
    assert names(first) == names(second) == ["가상 사설망"]


def test_the_queue_csv_filters_by_tag_and_a_requester_gets_none_of_it(
    client, agent, requester, make_ticket
):
    tagged = make_ticket(title="태그 달린 건")
    make_ticket(title="태그 없는 건")
    services.ticket_tags_set(ticket=tagged, by=agent, tags=[SECRET])
    client.force_login(requester)
    refused = client.get("/queue/export.csv", {"tag": SECRET, "status": "all"})
    assert refused.status_code == 403
    assert SECRET not in refused.content.decode()
    client.force_login(agent)
    answer = client.get("/queue/export.csv", {"tag": SECRET, "status": "all"})
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert "태그 달린 건" in text and "태그 없는 건" not in text
