"""Two agents changing one ticket at the same moment, with real transactions.

Each thread has its own database connection. The first writer is held inside its
transaction (in the notification call, after it took the row lock) until the
second writer has started, so the second must wait on `SELECT … FOR UPDATE`.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from tickets import services
from tickets.models import Ticket

# Row locks need PostgreSQL, which the test settings use (CI refuses others).
pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*jobs, hold_first=0.5):
    """Run each job in its own thread; the first holds its lock `hold_first` s."""
    from notifications import services as notification_services

    real_notify = notification_services.notify_ticket_event
    first_inside = threading.Event()
    results: list = [None] * len(jobs)

    def notify(**kwargs):
        if threading.current_thread().name == "job-0" and not first_inside.is_set():
            first_inside.set()
            time.sleep(hold_first)  # still inside the transaction, lock held
        return real_notify(**kwargs)

    def run(index, job):
        try:
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            results[index] = exc
        finally:
            connections.close_all()

    notification_services.notify_ticket_event = notify
    try:
        threads = [
            threading.Thread(target=run, args=(i, job), name=f"job-{i}")
            for i, job in enumerate(jobs)
        ]
        threads[0].start()
        assert first_inside.wait(5), "the first writer never reached its lock"
        for thread in threads[1:]:
            thread.start()
        for thread in threads:
            thread.join(10)
    finally:
        notification_services.notify_ticket_event = real_notify
    return results


def test_concurrent_changes_of_different_fields_are_both_kept(
    ticket, agent, other_agent
):
    results = run_together(
        lambda: services.ticket_assign(ticket=ticket, assignee=agent, by=agent),
        lambda: services.ticket_priority_change(
            ticket=ticket, priority="urgent", by=other_agent
        ),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.assignee == agent
    assert ticket.priority == "urgent"
    assert ticket.status == "in_progress"
    # Neither version bump was lost: the second writer read the first's result.
    assert ticket.version == 3
    assert list(ticket.events.values_list("kind", "actor")) == [
        ("created", ticket.requester_id),
        ("assigned", agent.pk),
        ("status_changed", agent.pk),
        ("priority_changed", other_agent.pk),
    ]


def test_concurrent_changes_of_one_field_are_both_in_history(
    ticket, agent, other_agent
):
    run_together(
        lambda: services.ticket_assign(ticket=ticket, assignee=agent, by=agent),
        lambda: services.ticket_assign(
            ticket=ticket, assignee=other_agent, by=other_agent
        ),
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.assignee == other_agent
    history = list(
        ticket.events.filter(kind="assigned").values_list("old_value", "new_value")
    )
    # The second change saw the first: its old value is the first one's new value.
    assert history == [("", str(agent.pk)), (str(agent.pk), str(other_agent.pk))]


def test_concurrent_edits_of_the_same_version_one_wins_one_conflicts(
    ticket, agent, other_agent
):
    results = run_together(
        lambda: services.ticket_status_change(
            ticket=ticket, status="waiting", by=agent, version=1
        ),
        lambda: services.ticket_status_change(
            ticket=ticket, status="resolved", by=other_agent, version=1
        ),
    )
    assert isinstance(results[0], Ticket)
    assert isinstance(results[1], ValidationError)
    assert results[1].code == "conflict"
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.version, ticket.resolved_at) == ("waiting", 2, None)
    assert ticket.events.filter(kind="status_changed").count() == 1


def test_concurrent_replies_are_all_kept(ticket, agent, requester):
    run_together(
        lambda: services.ticket_reply(ticket=ticket, by=agent, body="확인 중입니다."),
        lambda: services.ticket_reply(ticket=ticket, by=requester, body="급합니다!"),
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.comments.count() == 2
    assert ticket.version == 3
    assert ticket.first_responded_at is not None
