"""`manage.py recount_ticket_counters`: the status counters back to the table's truth."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tickets.models import Status, TicketCounter
from tickets.services import counters

pytestmark = pytest.mark.django_db


def recount(*args) -> str:
    out = StringIO()
    call_command("recount_ticket_counters", *args, stdout=out)
    return out.getvalue()


def stored() -> dict[str, int]:
    return dict(TicketCounter.objects.values_list("key", "value"))


def status_counters() -> dict[str, int]:
    return {k: v for k, v in stored().items() if k.startswith("status:")}


def drift(**values):
    """Overwrite some counters, as a bug or a hand-edited table would."""
    for status, value in values.items():
        TicketCounter.objects.update_or_create(
            key=counters.status_key(status), defaults={"value": value}
        )


@pytest.fixture
def tickets(make_ticket, agent):
    """Two new tickets and one in progress."""
    make_ticket()
    make_ticket()
    make_ticket(status=Status.IN_PROGRESS, agent=agent)


@pytest.mark.usefixtures("tickets")
def test_drifted_counts_are_set_to_the_tickets_and_the_version_moves():
    drift(new=7, closed=3)
    version = stored()[counters.VERSION]

    output = recount()

    assert "status:new           7 -> 2" in output
    assert "status:closed        3 -> 0" in output
    assert "status:in_progress" not in output  # it was right
    assert output.strip().endswith("2 counter(s) corrected; the data version moved.")
    assert status_counters() == {
        "status:new": 2,
        "status:in_progress": 1,
        "status:waiting": 0,
        "status:resolved": 0,
        "status:closed": 0,
    }
    assert stored()[counters.VERSION] == version + 1


@pytest.mark.usefixtures("tickets")
def test_the_dry_run_shows_the_changes_and_writes_nothing():
    drift(new=7)
    before = stored()

    output = recount("--dry-run")

    assert "status:new           7 -> 2" in output
    assert "nothing written" in output
    assert stored() == before


def nonzero(counters: dict) -> dict:
    return {key: value for key, value in counters.items() if value}


@pytest.mark.usefixtures("tickets")
def test_right_counts_change_nothing_not_even_the_version():
    before = stored()

    assert recount().strip() == "The counters match the tickets."
    # A missing status row and a row at zero say the same (the recount may
    # make the row); every value, the version included, stays as it was.
    assert nonzero(stored()) == nonzero(before)


@pytest.mark.usefixtures("tickets")
def test_missing_counter_rows_are_made_again():
    TicketCounter.objects.filter(key__startswith="status:").delete()

    output = recount()

    assert "status:new           0 -> 2" in output
    assert status_counters() == {
        "status:new": 2,
        "status:in_progress": 1,
        "status:waiting": 0,
        "status:resolved": 0,
        "status:closed": 0,
    }


@pytest.mark.usefixtures("tickets")
def test_a_cached_queue_shows_the_recounted_numbers_at_once(client, agent, settings):
    settings.TICKET_CACHE = True
    drift(new=7)
    client.force_login(agent)

    def tab_counts() -> set[str]:
        html = client.get("/queue/").content.decode()
        return set(re.findall(r'class="n">(\d+)<', html))

    assert "7" in tab_counts()  # the drifted number, now in the cache
    recount()
    assert "7" not in tab_counts()
