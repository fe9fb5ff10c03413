"""attachment_list: the one read behind the files block and the API's list."""

import pytest

from attachments.selectors import attachment_list
from attachments.tests.test_api import attach


@pytest.fixture(autouse=True)
def _local(local_storage):
    return local_storage


def test_files_come_oldest_first(agent, ticket):
    files = [attach(agent, ticket) for _ in range(3)]
    assert list(attachment_list(user=agent, ticket=ticket)) == files


def test_internal_files_only_for_staff(agent, requester, ticket):
    public = attach(agent, ticket)
    internal = attach(agent, ticket, internal=True)
    assert list(attachment_list(user=requester, ticket=ticket)) == [public]
    assert list(attachment_list(user=agent, ticket=ticket)) == [public, internal]


def test_nothing_from_a_ticket_the_user_may_not_see(other_requester, agent, ticket):
    attach(agent, ticket)
    assert not attachment_list(user=other_requester, ticket=ticket).exists()


def test_the_api_lists_in_the_same_order(as_user, agent, ticket):
    files = [attach(agent, ticket) for _ in range(3)]
    response = as_user(agent).get(f"/api/tickets/{ticket.pk}/attachments")
    assert [row["id"] for row in response.json()] == [f.pk for f in files]
