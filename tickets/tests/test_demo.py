"""`manage.py seed_demo` leaves a living queue: demo tickets, made through the services."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.services import DEMO_ACCOUNTS
from attachments.models import Attachment
from tickets.demo import DEMO_TICKETS
from tickets.models import Comment, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local_uploads(settings, tmp_path):
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_opens_tickets_in_several_states_with_replies_notes_and_a_file():
    output = seed()
    tickets = Ticket.objects.all()
    assert tickets.count() == len(DEMO_TICKETS)
    assert {Status.NEW, Status.IN_PROGRESS, Status.RESOLVED, Status.WAITING} <= set(
        tickets.values_list("status", flat=True)
    )
    requester = User.objects.get(email=DEMO_ACCOUNTS[0].email)
    assert set(tickets.values_list("requester", flat=True)) == {requester.pk}
    assert Comment.objects.filter(internal=False).count() >= 4
    assert Comment.objects.filter(internal=True).count() == 1
    (attachment,) = Attachment.objects.all()
    assert attachment.filename == "projector-error.txt"
    # Made through the services: history and counters follow.
    assert TicketEvent.objects.filter(kind="created").count() == len(DEMO_TICKETS)
    assert all(f"{demo.title} created" in output for demo in DEMO_TICKETS)


def test_the_requester_does_not_see_the_demo_internal_note(client):
    seed()
    requester = User.objects.get(email=DEMO_ACCOUNTS[0].email)
    client.force_login(requester)
    ticket = Ticket.objects.get(title=DEMO_TICKETS[0].title)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "확인했습니다. 10분 안에 방문하겠습니다." in page
    assert "예비 램프" not in page
    assert "projector-error.txt" in page


def test_seed_demo_again_adds_nothing():
    seed()
    counts = (
        Ticket.objects.count(),
        Comment.objects.count(),
        Attachment.objects.count(),
        TicketEvent.objects.count(),
    )
    output = seed()
    assert counts == (
        Ticket.objects.count(),
        Comment.objects.count(),
        Attachment.objects.count(),
        TicketEvent.objects.count(),
    )
    assert all(f"{demo.title} exists" in output for demo in DEMO_TICKETS)
