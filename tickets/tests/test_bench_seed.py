"""`manage.py seed_bench`: fast bulk data that looks like what the services write."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from accounts.models import Role, User
from attachments.models import Attachment
from tickets import selectors, services
from tickets.models import Category, Comment, Status, Ticket, TicketEvent
from tickets.selectors import search_bigrams

pytestmark = pytest.mark.django_db

TICKETS = 2000


@pytest.fixture
def seeded():
    call_command(
        "seed_bench", tickets=TICKETS, requesters=40, agents=3, stdout=_Quiet()
    )


class _Quiet:
    def write(self, text):
        return len(text)

    def flush(self):
        return None


def test_seed_makes_people_tickets_comments_history_and_files(seeded):
    assert User.objects.filter(role=Role.REQUESTER).count() == 40
    assert User.objects.filter(role=Role.AGENT).count() == 3
    assert Ticket.objects.count() == TICKETS
    comments = Comment.objects.count()
    assert 2 * TICKETS < comments < 4 * TICKETS
    assert Comment.objects.filter(internal=True).exists()
    assert TicketEvent.objects.count() > TICKETS + comments - 1
    assert Attachment.objects.exists()
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    used = set(Ticket.objects.values_list("category__slug", flat=True))
    assert used == set(Category.objects.values_list("slug", flat=True))
    assert Ticket.objects.filter(title__regex=r"[가-힣]").exists()
    assert Ticket.objects.filter(title__regex=r"^[A-Za-z ]+$").exists()


def test_every_thousandth_ticket_has_fifty_comments(seeded):
    heavy = Comment.objects.filter(ticket_id__in=[1000, 2000]).values("ticket_id")
    assert {row["n"] for row in heavy.annotate(n=Count("id"))} == {50}


def test_bigrams_are_what_the_services_would_store(seeded):
    for ticket in Ticket.objects.order_by("?")[:50]:
        assert ticket.search_bigrams == search_bigrams(ticket.title, ticket.description)


def test_counters_match_the_loaded_tickets(seeded, agent):
    counted = dict.fromkeys(Status.values, 0)
    counted.update(
        Ticket.objects.order_by().values_list("status").annotate(n=Count("id"))
    )
    assert selectors.ticket_counts(user=agent) == counted


def test_indexes_come_back_and_sequences_continue(seeded, requester, network):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'tickets_ticket'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "ticket_search_text_trgm_idx",
        "ticket_bigrams_idx",
        "ticket_open_updated_idx",
        "ticket_updated_idx",
    } <= names
    ticket = services.ticket_create(by=requester, title="새 티켓", category=network)
    assert ticket.pk == TICKETS + 1
    comment = services.ticket_reply(ticket=ticket, by=requester, body="추가 설명")
    assert comment.pk > Comment.objects.exclude(pk=comment.pk).latest("pk").pk


def test_seeded_tickets_are_found_by_two_character_korean_search(seeded, agent):
    found = selectors.ticket_search(selectors.ticket_list(user=agent), "메일")
    assert found.exists()
    assert all("메일" in f"{t.title} {t.description}" for t in found[:50])
