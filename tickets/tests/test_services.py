"""The ticket services: rules, timestamps, history, versions, notifications."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from tickets import services
from tickets.models import Comment, EventKind, Priority, Status, Ticket, TicketEvent
from tickets.policies import STAFF_TRANSITIONS
from tickets.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def kinds(ticket):
    return list(ticket.events.values_list("kind", flat=True))


# --- create -------------------------------------------------------------------------


def test_requester_creates_ticket_for_themself(requester, network, notify_calls):
    ticket = services.ticket_create(
        by=requester,
        title="  메일 수신 오류  ",
        description="받은편지함이 비어 있습니다.",
        category=network,
        location="공학관 301호",
    )
    assert ticket.requester == requester
    assert ticket.title == "메일 수신 오류"
    assert (ticket.status, ticket.priority, ticket.version) == ("new", "medium", 1)
    assert ticket.reference == f"SD-{ticket.pk:06d}"
    event = ticket.events.get()
    assert (event.kind, event.actor, event.internal) == ("created", requester, False)
    assert [c["kind"] for c in notify_calls] == ["ticket_created"]
    assert notify_calls[0]["ticket"] == ticket
    assert notify_calls[0]["actor"] == requester


def test_reference_grows_past_six_digits():
    ticket = Ticket(pk=1234567)
    assert ticket.reference == "SD-1234567"
    assert Ticket(pk=42).reference == "SD-000042"


def test_agent_creates_walk_in_ticket_for_requester(agent, requester, network):
    ticket = services.ticket_create(
        by=agent,
        requester=requester,
        title="프린터 용지 걸림",
        category=network,
        priority=Priority.URGENT,
        contact_phone="010-1234-5678",
    )
    assert ticket.requester == requester
    assert ticket.priority == "urgent"
    assert ticket.events.get().actor == agent


def test_requester_cannot_create_for_someone_else(requester, other_requester, network):
    with pytest.raises(PermissionDenied):
        services.ticket_create(
            by=requester, requester=other_requester, title="x", category=network
        )
    assert not Ticket.objects.exists()


def test_staff_cannot_create_for_another_agent(agent, other_agent, network):
    with pytest.raises(ValidationError) as info:
        services.ticket_create(
            by=agent, requester=other_agent, title="x", category=network
        )
    assert "requester" in info.value.message_dict


def test_requester_cannot_ask_for_urgent(requester, network):
    with pytest.raises(ValidationError) as info:
        services.ticket_create(
            by=requester, title="x", category=network, priority=Priority.URGENT
        )
    assert list(info.value.message_dict) == ["priority"]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "가" * 201}, "title"),
        ({"priority": "critical"}, "priority"),
        ({"location": "x" * 201}, "location"),
    ],
)
def test_bad_input_is_refused_with_field_message(
    requester, network, fields, error_field
):
    values = {"title": "정상 제목", "category": network, **fields}
    with pytest.raises(ValidationError) as info:
        services.ticket_create(by=requester, **values)
    assert error_field in info.value.message_dict
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


def test_inactive_category_is_refused(requester):
    retired = CategoryFactory(slug="retired", is_active=False)
    with pytest.raises(ValidationError) as info:
        services.ticket_create(by=requester, title="x", category=retired)
    assert "category" in info.value.message_dict


def test_title_of_exactly_200_characters_is_accepted(requester, network):
    ticket = services.ticket_create(by=requester, title="가" * 200, category=network)
    assert len(ticket.title) == 200


# --- replies and notes ---------------------------------------------------------------


def test_first_staff_reply_sets_first_response_and_starts_work(
    ticket, agent, notify_calls
):
    comment = services.ticket_reply(ticket=ticket, by=agent, body="확인하겠습니다.")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.first_responded_at is not None
    assert ticket.version == 2
    assert comment.ticket.version == 2
    assert kinds(ticket) == ["created", "replied", "status_changed"]
    assert [c["kind"] for c in notify_calls] == ["reply_staff", "status_changed"]
    assert notify_calls[0]["comment"] == comment
    assert (notify_calls[1]["old_value"], notify_calls[1]["new_value"]) == (
        "new",
        "in_progress",
    )


def test_later_staff_reply_keeps_first_response_time(ticket, agent, other_agent):
    services.ticket_reply(ticket=ticket, by=agent, body="첫 답변")
    ticket.refresh_from_db()
    first = ticket.first_responded_at
    services.ticket_reply(ticket=ticket, by=other_agent, body="두 번째 답변")
    ticket.refresh_from_db()
    assert ticket.first_responded_at == first
    assert ticket.version == 3


def test_requester_reply_does_not_count_as_first_response(ticket, requester):
    services.ticket_reply(ticket=ticket, by=requester, body="추가 정보입니다.")
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert ticket.status == Status.NEW


@pytest.mark.parametrize("start", [Status.WAITING, Status.RESOLVED])
def test_requester_reply_brings_ticket_back_to_work(
    make_ticket, requester, agent, start, notify_calls
):
    ticket = make_ticket(status=start, agent=agent)
    notify_calls.clear()
    services.ticket_reply(ticket=ticket, by=requester, body="아직 안 됩니다.")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None
    assert [c["kind"] for c in notify_calls] == ["reply_requester", "status_changed"]
    last = ticket.events.last()
    assert (last.actor, last.old_value, last.new_value) == (
        requester,
        start,
        "in_progress",
    )


def test_requester_cannot_reply_to_closed_ticket(make_ticket, requester, agent):
    ticket = make_ticket(status=Status.CLOSED, agent=agent)
    events_before = ticket.events.count()
    with translation.override("en"), pytest.raises(PermissionDenied, match="closed"):
        services.ticket_reply(ticket=ticket, by=requester, body="다시 열어 주세요")
    assert not Comment.objects.exists()
    assert ticket.events.count() == events_before


def test_staff_may_still_reply_to_closed_ticket(make_ticket, agent):
    ticket = make_ticket(status=Status.CLOSED, agent=agent)
    services.ticket_reply(ticket=ticket, by=agent, body="참고로 남깁니다.")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_internal_note_is_internal_and_leaves_ticket_row_alone(
    ticket, agent, notify_calls
):
    before = Ticket.objects.get(pk=ticket.pk)
    comment = services.ticket_reply(ticket=ticket, by=agent, body="메모", internal=True)
    after = Ticket.objects.get(pk=ticket.pk)
    assert comment.internal
    assert (after.version, after.updated_at, after.status) == (
        before.version,
        before.updated_at,
        Status.NEW,
    )
    assert after.first_responded_at is None
    event = ticket.events.last()
    assert (event.kind, event.internal, event.comment) == (
        "internal_note",
        True,
        comment,
    )
    assert [c["kind"] for c in notify_calls] == ["internal_note"]


def test_requester_cannot_add_internal_note(ticket, requester):
    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=ticket, by=requester, body="몰래", internal=True)
    assert not Comment.objects.exists()


def test_other_requester_cannot_reply(ticket, other_requester):
    with pytest.raises(Http404):
        services.ticket_reply(ticket=ticket, by=other_requester, body="안녕하세요")


def test_empty_reply_is_refused(ticket, agent):
    with pytest.raises(ValidationError) as info:
        services.ticket_reply(ticket=ticket, by=agent, body="  ")
    assert "body" in info.value.message_dict


# --- assign -------------------------------------------------------------------------


def test_assign_moves_new_ticket_to_work(ticket, agent, other_agent, notify_calls):
    ticket = services.ticket_assign(ticket=ticket, assignee=other_agent, by=agent)
    assert ticket.assignee == other_agent
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.version == 2
    assigned = ticket.events.get(kind=EventKind.ASSIGNED)
    assert (assigned.old_value, assigned.new_value) == ("", str(other_agent.pk))
    assert [c["kind"] for c in notify_calls] == ["assigned", "status_changed"]
    assert notify_calls[0]["new_value"] == str(other_agent.pk)


def test_unassign_records_empty_value(ticket, agent):
    services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
    ticket = services.ticket_assign(ticket=ticket, assignee=None, by=agent)
    assert ticket.assignee is None
    assert ticket.events.filter(kind="assigned").last().new_value == ""


def test_assign_to_same_person_is_no_change(ticket, agent):
    ticket = services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
    again = services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
    assert again.version == ticket.version


def test_cannot_assign_to_requester(ticket, agent, other_requester):
    with pytest.raises(ValidationError) as info:
        services.ticket_assign(ticket=ticket, assignee=other_requester, by=agent)
    assert "assignee" in info.value.message_dict
    ticket.refresh_from_db()
    assert ticket.assignee is None and ticket.version == 1


def test_requester_cannot_assign(ticket, requester, agent):
    with pytest.raises(PermissionDenied):
        services.ticket_assign(ticket=ticket, assignee=agent, by=requester)


# --- status rules -------------------------------------------------------------------

ALL_TARGETS = [Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED]


@pytest.mark.parametrize("start", list(Status))
@pytest.mark.parametrize("to", ALL_TARGETS)
def test_staff_status_changes_follow_the_table(make_ticket, agent, start, to):
    ticket = make_ticket(status=start, agent=agent)
    allowed = to in STAFF_TRANSITIONS[start]
    if allowed:
        ticket = services.ticket_status_change(ticket=ticket, status=to, by=agent)
        assert ticket.status == to
        assert ticket.events.last().new_value == to
    else:
        with pytest.raises(ValidationError) as info:
            services.ticket_status_change(ticket=ticket, status=to, by=agent)
        assert "status" in info.value.message_dict
        ticket.refresh_from_db()
        assert ticket.status == start


def test_the_table_is_the_one_in_the_design():
    assert {
        "new": {"in_progress", "waiting", "resolved", "closed"},
        "in_progress": {"waiting", "resolved", "closed"},
        "waiting": {"in_progress", "resolved", "closed"},
        "resolved": {"in_progress", "waiting", "closed"},
        "closed": {"in_progress"},
    } == STAFF_TRANSITIONS


@pytest.mark.parametrize("start", list(Status))
@pytest.mark.parametrize("to", ALL_TARGETS)
def test_requester_may_only_close_own_open_ticket(
    make_ticket, requester, agent, start, to
):
    ticket = make_ticket(status=start, agent=agent)
    if to == Status.CLOSED and start != Status.CLOSED:
        ticket = services.ticket_status_change(ticket=ticket, status=to, by=requester)
        assert ticket.status == Status.CLOSED
    elif to == Status.CLOSED:
        with pytest.raises(ValidationError):
            services.ticket_status_change(ticket=ticket, status=to, by=requester)
    else:
        with pytest.raises(PermissionDenied):
            services.ticket_status_change(ticket=ticket, status=to, by=requester)


def test_other_requester_cannot_close(ticket, other_requester):
    with pytest.raises(Http404):
        services.ticket_close(ticket=ticket, by=other_requester)


def test_unknown_status_is_a_field_error(ticket, agent):
    with pytest.raises(ValidationError) as info:
        services.ticket_status_change(ticket=ticket, status="done", by=agent)
    assert "status" in info.value.message_dict


def test_timestamps_follow_resolve_close_and_reopen(ticket, agent):
    ticket = services.ticket_status_change(ticket=ticket, status="resolved", by=agent)
    assert ticket.resolved_at is not None and ticket.closed_at is None
    resolved_at = ticket.resolved_at
    ticket = services.ticket_close(ticket=ticket, by=agent)
    assert ticket.closed_at is not None
    assert ticket.resolved_at == resolved_at
    ticket = services.ticket_reopen(ticket=ticket, by=agent)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None and ticket.closed_at is None
    assert ticket.version == 4
    changes = list(
        ticket.events.filter(kind="status_changed").values_list(
            "old_value", "new_value"
        )
    )
    assert changes == [
        ("new", "resolved"),
        ("resolved", "closed"),
        ("closed", "in_progress"),
    ]


def test_requester_closing_unresolved_ticket_leaves_resolved_at_empty(
    ticket, requester
):
    ticket = services.ticket_close(ticket=ticket, by=requester)
    assert ticket.closed_at is not None and ticket.resolved_at is None
    assert ticket.events.last().actor == requester


def test_reopen_is_for_staff_only(make_ticket, requester, agent):
    ticket = make_ticket(status=Status.CLOSED, agent=agent)
    with pytest.raises(PermissionDenied):
        services.ticket_reopen(ticket=ticket, by=requester)


def test_reopen_of_open_ticket_is_refused(ticket, agent):
    with pytest.raises(ValidationError):
        services.ticket_reopen(ticket=ticket, by=agent)


# --- versions and multi-field updates ------------------------------------------------


def test_stale_version_is_a_conflict(ticket, agent):
    services.ticket_priority_change(ticket=ticket, priority="high", by=agent, version=1)
    with pytest.raises(ValidationError) as info:
        services.ticket_priority_change(
            ticket=ticket, priority="low", by=agent, version=1
        )
    assert info.value.code == "conflict"
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.version) == ("high", 2)


def test_update_of_several_fields_is_one_version(ticket, agent, email_category):
    ticket = services.ticket_update(
        ticket=ticket,
        by=agent,
        version=1,
        priority="urgent",
        category=email_category,
        assignee=agent,
        status="waiting",
    )
    assert ticket.version == 2
    assert (ticket.priority, ticket.category, ticket.assignee, ticket.status) == (
        "urgent",
        email_category,
        agent,
        "waiting",
    )
    # An explicit status wins over the automatic move to in_progress.
    assert kinds(ticket) == [
        "created",
        "category_changed",
        "priority_changed",
        "assigned",
        "status_changed",
    ]


def test_update_checks_everything_before_writing(ticket, agent, other_requester):
    with pytest.raises(ValidationError):
        services.ticket_update(
            ticket=ticket, by=agent, priority="high", assignee=other_requester
        )
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.version) == ("medium", 1)
    assert kinds(ticket) == ["created"]


def test_update_with_nothing_changed_keeps_version(ticket, agent):
    same = services.ticket_update(ticket=ticket, by=agent, priority="medium", version=1)
    assert same.version == 1
    assert kinds(ticket) == ["created"]


def test_requester_cannot_update_staff_fields(ticket, requester):
    with pytest.raises(PermissionDenied):
        services.ticket_update(ticket=ticket, by=requester, priority="low")


def test_details_update_records_and_refreshes_search(ticket, agent):
    ticket = services.ticket_details_update(
        ticket=ticket, by=agent, title="메일 수신 오류", location="본관 1층"
    )
    assert ticket.version == 2
    assert "메일" in ticket.search_bigrams.split()
    fields = set(
        ticket.events.filter(kind="details_changed").values_list("field", flat=True)
    )
    assert fields == {"title", "location"}


# --- automatic close ---------------------------------------------------------------


def test_auto_close_closes_only_long_resolved_tickets(make_ticket, agent, settings):
    settings.AUTO_CLOSE_DAYS = 7
    old = make_ticket(status=Status.RESOLVED, agent=agent)
    recent = make_ticket(status=Status.RESOLVED, agent=agent)
    open_ticket = make_ticket(status=Status.WAITING, agent=agent)
    now = timezone.now()
    Ticket.objects.filter(pk=old.pk).update(resolved_at=now - timedelta(days=8))
    Ticket.objects.filter(pk=recent.pk).update(resolved_at=now - timedelta(days=6))

    closed = services.tickets_auto_close(now=now)

    assert [t.pk for t in closed] == [old.pk]
    old.refresh_from_db()
    assert (old.status, old.closed_at) == (Status.CLOSED, now)
    event = old.events.last()
    assert (event.actor, event.old_value, event.new_value) == (
        None,
        "resolved",
        "closed",
    )
    recent.refresh_from_db()
    open_ticket.refresh_from_db()
    assert recent.status == Status.RESOLVED
    assert open_ticket.status == Status.WAITING
    assert services.tickets_auto_close(now=now) == []


def test_close_resolved_tickets_command(make_ticket, agent, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.AUTO_CLOSE_DAYS = 0
    ticket = make_ticket(status=Status.RESOLVED, agent=agent)
    out = StringIO()
    call_command("close_resolved_tickets", stdout=out)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.reference in out.getvalue()


# --- history ------------------------------------------------------------------------


def test_history_is_append_only(ticket):
    event = ticket.events.get()
    event.new_value = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_ticket_event_record_for_other_apps(ticket, agent):
    event = services.ticket_event_record(
        ticket=ticket,
        kind=EventKind.ATTACHMENT_ADDED,
        by=agent,
        new_value="log.txt",
        internal=True,
    )
    assert event.internal and event.actor == agent


# --- assignees who may no longer work tickets ----------------------------------------


@pytest.fixture
def assigned(make_ticket, agent, other_agent):
    """Tickets assigned to `agent` in each status, and one of `other_agent`'s."""

    def _assign(assignee, status=None):
        ticket = services.ticket_assign(
            ticket=make_ticket(), assignee=assignee, by=agent
        )
        if status:
            ticket = services.ticket_status_change(
                ticket=ticket, status=status, by=agent
            )
        return ticket

    return {
        "in_progress": _assign(agent),
        "waiting": _assign(agent, Status.WAITING),
        "resolved": _assign(agent, Status.RESOLVED),
        "closed": _assign(agent, Status.CLOSED),
        "other_agent": _assign(other_agent),
    }


def test_tickets_of_someone_who_lost_access_go_back_to_the_queue(assigned, agent):
    from accounts.models import Role, User
    from tickets.selectors import ticket_data_version

    before = {name: ticket.version for name, ticket in assigned.items()}
    # Without the model signals: the service itself is under test here.
    User.objects.filter(pk=agent.pk).update(role=Role.REQUESTER)
    version = ticket_data_version()

    released = services.tickets_unassign_lost_access(assignee_ids=[agent.pk])

    assert sorted(t.pk for t in released) == sorted(
        assigned[name].pk for name in ("in_progress", "waiting", "resolved")
    )
    for name in ("in_progress", "waiting", "resolved"):
        ticket = Ticket.objects.get(pk=assigned[name].pk)
        assert ticket.assignee is None
        assert ticket.status == name  # the status stays
        assert ticket.version == before[name] + 1
        event = ticket.events.order_by("pk").last()
        assert (event.kind, event.field) == (EventKind.ASSIGNED, "assignee")
        assert (event.old_value, event.new_value) == (str(agent.pk), "")
        assert event.actor is None and not event.internal
    closed = Ticket.objects.get(pk=assigned["closed"].pk)
    assert closed.assignee_id == agent.pk  # who worked it stays on record
    assert closed.version == before["closed"]
    assert ticket_data_version() > version
    unassigned = Ticket.objects.filter(assignee__isnull=True, status="in_progress")
    assert assigned["in_progress"].pk in set(unassigned.values_list("pk", flat=True))


def test_someone_who_may_still_be_assigned_keeps_their_tickets(assigned, agent):
    released = services.tickets_unassign_lost_access(assignee_ids=[agent.pk])

    assert released == []
    assert Ticket.objects.filter(assignee=agent).count() == 4


@pytest.mark.parametrize(
    "change",
    [{"role": "requester"}, {"is_active": False}],
    ids=["demoted", "deactivated"],
)
def test_demoting_or_deactivating_an_agent_unassigns_their_tickets(
    assigned, agent, other_agent, change
):
    for field, value in change.items():
        setattr(agent, field, value)
    agent.save()

    still_assigned = Ticket.objects.filter(assignee=agent)
    assert list(still_assigned.values_list("status", flat=True)) == [Status.CLOSED]
    assert Ticket.objects.get(pk=assigned["other_agent"].pk).assignee == other_agent
    event = Ticket.objects.get(pk=assigned["waiting"].pk).events.order_by("pk").last()
    assert (event.kind, event.old_value, event.new_value) == (
        EventKind.ASSIGNED,
        str(agent.pk),
        "",
    )


def test_other_changes_to_an_agent_leave_their_tickets(assigned, agent):
    agent.name = "새 이름"
    agent.set_password("another-secret-42")
    agent.save()

    assert Ticket.objects.filter(assignee=agent).count() == 4
