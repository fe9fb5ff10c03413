"""The versioned cache: a hit costs no ticket query, and no answer is ever stale."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone, translation

from tickets import services
from tickets.models import Status, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]


@pytest.fixture
def cache_on():
    with override_settings(TICKET_CACHE=True):
        yield


def listed(client, query=""):
    response = client.get(f"/api/tickets{query}")
    assert response.status_code == 200
    return {row["id"]: row for row in response.json()["results"]}


def test_a_repeated_list_is_served_without_touching_the_tickets(
    as_user, agent, make_ticket, django_assert_max_num_queries
):
    make_ticket()
    client = as_user(agent)
    first = client.get("/api/tickets").content
    with django_assert_max_num_queries(3) as captured:
        assert client.get("/api/tickets").content == first
    assert not any('"tickets_ticket"' in q["sql"] for q in captured.captured_queries)


CHANGES = {
    "reply": lambda t, agent, requester: services.ticket_reply(
        ticket=t, by=agent, body="확인했습니다."
    ),
    "assign": lambda t, agent, requester: services.ticket_assign(
        ticket=t, assignee=agent, by=agent
    ),
    "status": lambda t, agent, requester: services.ticket_status_change(
        ticket=t, status=Status.WAITING, by=agent
    ),
    "priority": lambda t, agent, requester: services.ticket_update(
        ticket=t, by=agent, priority="urgent"
    ),
    "title": lambda t, agent, requester: services.ticket_details_update(
        ticket=t, by=agent, title="제목 수정됨"
    ),
    "close by requester": lambda t, agent, requester: services.ticket_close(
        ticket=t, by=requester
    ),
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("role", ["agent", "requester"])
def test_any_change_through_the_services_shows_on_the_very_next_request(
    as_user, agent, requester, make_ticket, change, role
):
    ticket = make_ticket()
    client = as_user(agent if role == "agent" else requester)
    before = listed(client)[ticket.pk]
    assert listed(client)[ticket.pk] == before  # now served from the cache
    CHANGES[change](ticket, agent, requester)
    after = listed(client)[ticket.pk]
    assert after["version"] > before["version"]
    assert after != before


def test_a_new_ticket_shows_on_the_next_request(as_user, agent, make_ticket):
    make_ticket()
    client = as_user(agent)
    assert len(listed(client)) == 1
    newer = make_ticket(title="새로 접수된 티켓")
    assert newer.pk in listed(client)


def test_an_internal_note_never_reaches_a_requester_through_the_cache(
    as_user, agent, requester, make_ticket
):
    ticket = make_ticket()
    staff = as_user(agent)
    listed(staff)
    services.ticket_reply(ticket=ticket, by=agent, body="내부 메모", internal=True)
    mine = as_user(requester)
    assert listed(mine)[ticket.pk]["version"] == ticket.version
    assert "내부 메모" not in mine.get("/api/tickets").content.decode()


def test_one_users_cached_list_is_never_shown_to_another(
    as_user, requester, other_requester, make_ticket
):
    own = make_ticket()
    theirs = make_ticket(requester=other_requester)
    assert set(listed(as_user(requester))) == {own.pk}
    assert set(listed(as_user(other_requester))) == {theirs.pk}


def test_with_the_cache_off_every_request_reads_the_tickets(
    as_user, agent, make_ticket, django_assert_num_queries
):
    make_ticket()
    client = as_user(agent)
    with override_settings(TICKET_CACHE=False):
        client.get("/api/tickets")
        # user; the page's ids (savepoint, plan setting, ids, release); rows;
        # their tags (staff only, one prefetch)
        with django_assert_num_queries(7) as captured:
            client.get("/api/tickets")
    assert any('"tickets_ticket"' in q["sql"] for q in captured.captured_queries)


# --- The HTML lists ------------------------------------------------------------------


def page(client, url) -> str:
    """The page without its CSRF tokens, which differ on every answer."""
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())


@pytest.mark.parametrize("change", CHANGES)
def test_the_queue_page_shows_any_change_on_the_very_next_request(
    client, agent, requester, make_ticket, change
):
    ticket = make_ticket(title="원래 제목")
    client.force_login(agent)
    before = page(client, "/queue/?status=all")
    assert page(client, "/queue/?status=all") == before  # from the cache
    CHANGES[change](ticket, agent, requester)
    assert page(client, "/queue/?status=all") != before


def test_my_tickets_shows_a_staff_reply_on_the_very_next_request(
    client, agent, requester, make_ticket
):
    ticket = make_ticket()
    client.force_login(requester)
    assert "tickets" in client.get("/tickets/").content.decode()
    services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
    page = client.get("/tickets/").content.decode()
    assert agent.name in page


@pytest.mark.parametrize("size", [25, 50, 100])
@pytest.mark.parametrize("cached", [True, False])
def test_the_queue_costs_the_same_queries_whatever_the_page_size(
    client, agent, make_ticket, django_assert_num_queries, size, cached
):
    for index in range(60):
        make_ticket(title=f"프린터 출력 {index}")
    client.force_login(agent)
    url = f"/queue/?status=all&page_size={size}&q=출력"
    with override_settings(TICKET_CACHE=cached):
        client.get(url)  # a cache miss when cached; the same cost otherwise
        # cached: session, user, the version, the fragment, the badge;
        # uncached: session, user, the badge, the people the word names (a
        # staff search finds requesters by name), the page's ids (savepoint,
        # plan setting, ids, release), their rows, counters, the total (a
        # COUNT: the list is searched), staff, categories, and the SLA
        # calendar for the due column's working time left (hours, closures,
        # special hours: three, whatever the page size), the rows' tags (one
        # prefetch) and the saved views for the tabs
        with django_assert_num_queries(5 if cached else 18):
            response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('name="tickets"') == min(size, 60)


# --- The whole page content: queue, my tickets, the ticket page ------------------------


def upload(ticket, by, *, name, internal=False):
    from attachments import services as attachment_services

    return attachment_services.attachment_upload(
        ticket=ticket,
        by=by,
        fileobj=SimpleUploadedFile(name, b"log 42\n", content_type="text/plain"),
        filename=name,
        content_type="text/plain",
        internal=internal,
    )


@pytest.fixture
def local_uploads(settings, tmp_path):
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"


PAGE_CHANGES = {
    **CHANGES,
    "internal note": lambda t, agent, requester: services.ticket_reply(
        ticket=t, by=agent, body="내부 메모 비공개", internal=True
    ),
    "requester reply": lambda t, agent, requester: services.ticket_reply(
        ticket=t, by=requester, body="아직 안 됩니다."
    ),
    "file": lambda t, agent, requester: upload(t, agent, name="공개-로그.txt"),
    "internal file": lambda t, agent, requester: upload(
        t, agent, name="내부-로그.txt", internal=True
    ),
}
# What each change writes on the page, for staff (the requester sees the
# internal ones never).
SHOWS = {
    "reply": "확인했습니다.",
    "assign": "assigned",
    "status": "status-waiting",
    "priority": "priority-urgent",
    "title": "제목 수정됨",
    "close by requester": "status-closed",
    "internal note": "내부 메모 비공개",
    "requester reply": "아직 안 됩니다.",
    "file": "공개-로그.txt",
    "internal file": "내부-로그.txt",
}
INTERNAL = {"internal note", "internal file"}
# For staff: session, user, the ticket (with its people), the category and
# staff menus, the badge, the files, the requester's other tickets; uncached
# also comments, the files sent with them (one query for the thread) and
# history, and the SLA calendar for the side panel's working time left (three:
# hours, closures, special hours; only while a due time is ahead).
# Cached: session, user, the ticket (for the policy), the version, the badge
# and the page's one fragment; the menus, files and lists are never read.
# Issue 20 adds to a miss: the reply form's canned replies (staff, one query).
# Issue 20 (tags) adds to a miss: the ticket's tags (staff, one query).
# Issue 20 (links) adds to a miss: the ticket's links (staff, one query).
# Issue 20 (CC) adds to a miss: the people CC'd, and whether the viewer
# follows the ticket (staff only): two queries.
UNCACHED_TICKET_PAGE = 14 + 1 + 1 + 1 + 2
CACHED_TICKET_PAGE = 6


@pytest.mark.usefixtures("local_uploads")
@pytest.mark.parametrize("change", PAGE_CHANGES)
def test_the_ticket_page_shows_any_change_on_the_very_next_request(
    client, agent, requester, make_ticket, change
):
    ticket = make_ticket(title="원래 제목")
    url = f"/tickets/{ticket.pk}/"
    client.force_login(agent)
    staff_before = page(client, url)
    assert page(client, url) == staff_before  # from the cache
    client.force_login(requester)
    requester_before = page(client, url)
    assert page(client, url) == requester_before
    with translation.override("en"):
        PAGE_CHANGES[change](ticket, agent, requester)
    requester_after = page(client, url)
    client.force_login(agent)
    staff_after = page(client, url)
    assert staff_after != staff_before
    assert SHOWS[change] not in staff_before
    if change == "assign":  # the history sentence, in the page's language
        assert agent.name in staff_after.split('class="timeline"')[1]
    else:
        assert SHOWS[change] in staff_after
    if change in INTERNAL:
        assert SHOWS[change] not in requester_after
        assert "note-label" not in requester_after
    else:
        assert requester_after != requester_before


def test_a_requester_never_gets_the_staff_page_from_the_cache(
    client, agent, requester, make_ticket
):
    ticket = make_ticket()
    services.ticket_reply(
        ticket=ticket, by=agent, body="내부 메모 비공개", internal=True
    )
    url = f"/tickets/{ticket.pk}/"
    client.force_login(agent)
    assert "내부 메모 비공개" in page(client, url)
    client.force_login(requester)
    mine = page(client, url)
    assert "내부 메모 비공개" not in mine
    assert 'id="manage"' not in mine


def test_another_requester_gets_no_cached_page_of_someone_elses_ticket(
    client, requester, other_requester, make_ticket
):
    ticket = make_ticket(title="남의 티켓 제목")
    client.force_login(requester)
    assert "남의 티켓 제목" in page(client, f"/tickets/{ticket.pk}/")
    assert "남의 티켓 제목" in page(client, "/tickets/")
    client.force_login(other_requester)
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 404
    assert "남의 티켓 제목" not in page(client, "/tickets/")


@pytest.mark.parametrize("url", ["/queue/", "/tickets/{pk}/"])
def test_switching_language_gives_the_other_language_at_once(
    client, agent, make_ticket, url
):
    ticket = make_ticket()
    url = url.format(pk=ticket.pk)
    client.force_login(agent)
    client.post("/i18n/setlang/", {"language": "ko"})  # saved on the user
    assert 'lang="ko"' in page(client, url)
    korean = page(client, url)  # from the cache
    client.post("/i18n/setlang/", {"language": "en"})  # saved on the user
    english = page(client, url)
    assert 'lang="en"' in english
    assert english != korean
    main = english.split("<main", 1)[1]
    assert ("Conversation" if "tickets/" in url else "Queue") in main
    assert "대화" not in main


@pytest.mark.parametrize("url", ["/queue/", "/tickets/{pk}/"])
def test_a_cached_page_carries_this_answers_csrf_token_and_its_forms_work(
    agent, make_ticket, url
):
    ticket = make_ticket()
    url = url.format(pk=ticket.pk)
    tokens = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(agent)
        for _ in range(2):  # the second answer comes from the cache
            html = browser.get(url).content.decode().split("<main", 1)[1]
            found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
            assert found and len(set(found)) == 1  # one token in the content
            assert re.fullmatch(r"[A-Za-z0-9]{64}", found[0])
            tokens.append(found[0])
        answer = browser.post(
            "/i18n/setlang/",
            {"language": "en", "next": url, "csrfmiddlewaretoken": found[0]},
        )
        assert answer.status_code == 302
    assert len(set(tokens)) == len(tokens)  # masked anew on every answer


@pytest.mark.parametrize("who", ["agent", "requester"])
def test_every_form_on_a_cached_ticket_page_posts_with_this_answers_token(
    agent, requester, make_ticket, who
):
    user = {"agent": agent, "requester": requester}[who]
    ticket = make_ticket()
    url = f"/tickets/{ticket.pk}/"
    first = Client(enforce_csrf_checks=True)
    first.force_login(user)
    first.get(url)  # fills the cache
    browser = Client(enforce_csrf_checks=True)  # another session of the same user
    browser.force_login(user)
    html = browser.get(url).content.decode().split("<main", 1)[1]
    posting = re.findall(r'<form method="post"[^>]*\bid="([^"]+)"', html)
    assert "reply" in posting  # the one file picker is the reply form's
    if who == "agent":
        assert {"manage", "assign-me"} <= set(posting)
    else:
        assert "close" in posting
    assert not re.findall(r'<form method="post"(?![^>]*\bid=)', html)
    tokens = {
        form_id: value
        for value, form_id in re.findall(
            r'name="csrfmiddlewaretoken" value="([^"]+)" form="([^"]+)"', html
        )
    }
    assert set(posting) <= set(tokens)  # each form on the page has its token
    answer = browser.post(
        f"{url}reply/",
        {
            "body": "다른 창에서 보냅니다.",
            "visibility": "public",
            "csrfmiddlewaretoken": tokens["reply"],
        },
    )
    assert answer.status_code == 302
    assert "다른 창에서 보냅니다." in browser.get(url).content.decode()


@pytest.mark.parametrize("comments", [1, 30])
@pytest.mark.parametrize("cached", [True, False])
def test_the_ticket_page_costs_the_same_queries_whatever_the_comments(
    client, agent, requester, make_ticket, django_assert_num_queries, comments, cached
):
    ticket = make_ticket()
    for index in range(comments):
        services.ticket_reply(ticket=ticket, by=agent, body=f"답변 {index}")
    services.ticket_reply(ticket=ticket, by=agent, body="메모", internal=True)
    client.force_login(agent)
    url = f"/tickets/{ticket.pk}/"
    with override_settings(TICKET_CACHE=cached):
        client.get(url)
        with django_assert_num_queries(
            CACHED_TICKET_PAGE if cached else UNCACHED_TICKET_PAGE
        ):
            response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="comment') == comments + 2


@pytest.mark.parametrize("url", ["/queue/", "/tickets/{pk}/"])
def test_the_unread_badge_is_counted_afresh_on_a_cached_page(
    client, agent, requester, make_ticket, url
):
    from notifications.models import Notification

    def badge(html):
        found = re.search(r'<span class="badge"[^>]*>(\d+)</span>', html)
        return int(found.group(1)) if found else 0

    ticket = make_ticket()
    services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
    url = url.format(pk=ticket.pk)
    client.force_login(agent)
    Notification.objects.filter(recipient=agent).update(read_at=timezone.now())
    assert badge(page(client, url)) == 0
    services.ticket_reply(ticket=ticket, by=requester, body="답변 부탁드립니다.")
    unread = Notification.objects.filter(recipient=agent, read_at=None).count()
    assert unread > 0
    assert badge(page(client, url)) == unread
    Notification.objects.filter(recipient=agent).update(read_at=timezone.now())
    assert badge(page(client, url)) == 0  # no ticket change: the same cache entry


def test_a_message_shows_once_and_never_from_the_cache(client, agent, make_ticket):
    ticket = make_ticket()
    url = f"/tickets/{ticket.pk}/"
    client.force_login(agent)
    client.post("/i18n/setlang/", {"language": "en"})  # saved on the user
    page(client, url)
    page(client, url)  # cached
    answer = client.post(
        f"{url}reply/", {"body": "방문 예정입니다.", "visibility": "public"}
    )
    assert answer.status_code == 302
    shown = page(client, answer.url.split("#")[0])
    assert "Your reply was sent." in shown
    assert "방문 예정입니다." in shown
    again = page(client, url)
    assert "Your reply was sent." not in again
    assert "방문 예정입니다." in again


@override_settings(TICKET_CACHE=True)
def test_a_cached_queue_reads_no_ticket_and_shows_the_same_page(
    client, agent, make_ticket, django_assert_num_queries
):
    make_ticket(title="프로젝터 고장")
    client.force_login(agent)
    first = client.get("/queue/").content.decode()
    # session, user, the version, the shared cache's fragment, the badge
    with django_assert_num_queries(5) as captured:
        second = client.get("/queue/").content.decode()
    assert not any('"tickets_ticket"' in q["sql"] for q in captured.captured_queries)
    assert "프로젝터 고장" in second
    assert _without_tokens(first) == _without_tokens(second)


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# --- Merged tickets in a requester's lists --------------------------------------------


@pytest.fixture
def merged_tickets(make_ticket, requester, other_requester, agent):
    """Merge `count` of the requester's tickets, by turns into one of theirs,
    into someone else's (where they went stays unnamed to them) and into
    someone else's with the requester copied on it (CC: they may see it).
    Returns the targets the requester may see."""

    def _make(count):
        seen = set()
        for index in range(count):
            into = make_ticket(requester=(requester, other_requester)[index % 3 > 0])
            services.ticket_merge(
                source=make_ticket(),
                into=into,
                by=agent,
                add_requester_as_cc=index % 3 == 2,
            )
            if index % 3 != 1:
                seen.add(into.pk)
        make_ticket(title="합쳐지지 않은 티켓")  # and one that was not merged
        return seen

    return _make


@pytest.mark.parametrize("merged", [1, 6])
def test_my_tickets_costs_the_same_queries_whatever_the_merged_tickets(
    client, requester, merged_tickets, django_assert_num_queries, merged
):
    merged_tickets(merged)
    client.force_login(requester)
    with override_settings(TICKET_CACHE=False):
        client.get("/tickets/")
        # session, user, the badge, the incident banner, the page's ids
        # (savepoint, plan setting, ids, release) and their rows: the page
        # names no merge target, so merged rows cost nothing more
        with django_assert_num_queries(9):
            response = client.get("/tickets/?status=all")
    assert response.status_code == 200
    listed_rows = response.content.decode().count('class="ticket-cell"')
    assert listed_rows == Ticket.objects.visible_to(requester).count()


@pytest.mark.parametrize("merged", [1, 6])
def test_a_requesters_api_list_reads_where_every_merged_ticket_went_at_once(
    as_user, requester, merged_tickets, django_assert_num_queries, merged
):
    seen = merged_tickets(merged)
    client = as_user(requester)
    # user; the page's ids (savepoint, plan setting, ids, release); the rows,
    # each marked with whether the requester may see its target
    with override_settings(TICKET_CACHE=False), django_assert_num_queries(6):
        rows = listed(client, "?status=all")
    went = [row["merged_into"] for row in rows.values() if row["merged_into"]]
    # Named only where the requester may go: their own target or one they are
    # CC'd on; the others' stay null.
    assert {target["id"] for target in went} == seen
    assert len(went) == len(seen) == (1 if merged == 1 else 4)
    assert (
        Ticket.objects.filter(requester=requester, merged_into__isnull=False).count()
        == merged
    )
