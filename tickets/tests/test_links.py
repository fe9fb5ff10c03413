"""Links between tickets: staff only, shown on both tickets, history on both."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tickets import selectors, services
from tickets.models import EventKind, LinkKind, TicketEvent, TicketLink


@pytest.fixture
def first(make_ticket):
    return make_ticket(title="프린터 고장 1층")


@pytest.fixture
def second(make_ticket, other_requester):
    return make_ticket(
        title="프린터 고장 2층", requester=other_requester, by=other_requester
    )


def test_link_add_records_internal_history_on_both_tickets(first, second, agent):
    version = selectors.ticket_data_version()
    first_version = first.version

    link = services.ticket_link_add(
        ticket=first, other=second, kind=LinkKind.DUPLICATE, by=agent
    )

    assert (link.from_ticket_id, link.to_ticket_id, link.kind) == (
        first.pk,
        second.pk,
        "duplicate",
    )
    on_first = first.events.get(kind=EventKind.LINK_ADDED)
    on_second = second.events.get(kind=EventKind.LINK_ADDED)
    assert (on_first.new_value, on_first.field, on_first.internal) == (
        second.reference,
        "duplicate",
        True,
    )
    assert (on_second.new_value, on_second.internal) == (first.reference, True)
    first.refresh_from_db()
    assert first.version == first_version  # internal: the ticket row stays
    assert selectors.ticket_data_version() > version  # the cached pages move on


def test_a_link_shows_on_both_tickets(first, second, agent):
    link = services.ticket_link_add(ticket=first, other=second, by=agent)

    from_first = selectors.ticket_links(user=agent, ticket=first)
    from_second = selectors.ticket_links(user=agent, ticket=second)

    assert [(x.pk, x.other_ticket.pk) for x in from_first] == [(link.pk, second.pk)]
    assert [(x.pk, x.other_ticket.pk) for x in from_second] == [(link.pk, first.pk)]


@pytest.mark.parametrize("reverse_way", [False, True])
def test_one_link_per_pair_whichever_way_round(first, second, agent, reverse_way):
    services.ticket_link_add(ticket=first, other=second, by=agent)
    a, b = (second, first) if reverse_way else (first, second)

    with pytest.raises(ValidationError) as caught:
        services.ticket_link_add(ticket=a, other=b, by=agent)

    assert caught.value.error_dict["ticket"][0].code == "link_exists"
    assert TicketLink.objects.count() == 1


def test_the_database_refuses_a_second_link_of_a_pair(first, second, agent):
    TicketLink.objects.create(from_ticket=first, to_ticket=second, created_by=agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketLink.objects.create(from_ticket=second, to_ticket=first, created_by=agent)


def test_link_refusals(first, agent, requester, second):
    with pytest.raises(ValidationError) as itself:
        services.ticket_link_add(ticket=first, other=first, by=agent)
    assert itself.value.error_dict["ticket"][0].code == "link_self"
    with pytest.raises(ValidationError) as kind:
        services.ticket_link_add(ticket=first, other=second, kind="blocks", by=agent)
    assert kind.value.error_dict["kind"][0].code == "invalid_choice"
    with pytest.raises(PermissionDenied):
        services.ticket_link_add(ticket=first, other=second, by=requester)
    assert not TicketLink.objects.exists()


def test_link_remove_records_history_on_both(first, second, agent):
    link = services.ticket_link_add(ticket=first, other=second, by=agent)

    services.ticket_link_remove(link=link, by=agent)

    assert not TicketLink.objects.exists()
    removed = TicketEvent.objects.filter(kind=EventKind.LINK_REMOVED)
    assert sorted((e.ticket_id, e.new_value, e.internal) for e in removed) == sorted(
        [(first.pk, second.reference, True), (second.pk, first.reference, True)]
    )


# --- API --------------------------------------------------------------------------


def test_api_links_add_list_and_delete(first, second, agent, as_user):
    api = as_user(agent)

    created = api.post(
        f"/api/tickets/{first.pk}/links",
        {"ticket": second.reference, "kind": "related"},
        format="json",
    )

    assert created.status_code == 201, created.content
    link_id = created.json()["id"]
    assert created.json()["ticket"]["reference"] == second.reference
    listed = api.get(f"/api/tickets/{second.pk}/links/").json()
    assert [(x["id"], x["ticket"]["id"], x["kind"]) for x in listed] == [
        (link_id, first.pk, "related")
    ]
    deleted = api.delete(f"/api/tickets/{second.pk}/links/{link_id}")
    assert deleted.status_code == 204
    assert api.get(f"/api/tickets/{first.pk}/links").json() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "ticket"),
        ({"ticket": "SD-999999"}, "ticket"),
        ({"ticket": "not a ticket"}, "ticket"),
        ({"ticket": "SELF"}, "ticket"),
        ({"ticket": "OTHER", "kind": "blocks"}, "kind"),
    ],
)
def test_api_link_bad_input_is_a_400_and_adds_nothing(
    first, second, agent, as_user, body, field
):
    names = {"SELF": first.reference, "OTHER": second.reference}
    body = {key: names.get(value, value) for key, value in body.items()}

    response = as_user(agent).post(
        f"/api/tickets/{first.pk}/links", body, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not TicketLink.objects.exists()


def test_api_delete_of_another_tickets_link_is_404(
    first, second, make_ticket, agent, as_user
):
    third = make_ticket(title="무관한 티켓")
    link = services.ticket_link_add(ticket=first, other=second, by=agent)

    response = as_user(agent).delete(f"/api/tickets/{third.pk}/links/{link.pk}")

    assert response.status_code == 404
    assert TicketLink.objects.filter(pk=link.pk).exists()


def test_api_links_are_staff_only(first, second, agent, requester, as_user):
    link = services.ticket_link_add(ticket=first, other=second, by=agent)
    api = as_user(requester)

    assert api.get(f"/api/tickets/{first.pk}/links").status_code == 403
    assert api.get(f"/api/tickets/{second.pk}/links").status_code == 404
    assert (
        api.post(
            f"/api/tickets/{first.pk}/links", {"ticket": second.pk}, format="json"
        ).status_code
        == 403
    )
    assert api.delete(f"/api/tickets/{first.pk}/links/{link.pk}").status_code == 403
    # Nor does the history show them to the requester.
    events = api.get(f"/api/tickets/{first.pk}/events").json()
    assert all(event["kind"] != "link_added" for event in events)
    assert TicketLink.objects.filter(pk=link.pk).exists()


# --- The page ---------------------------------------------------------------------


def test_page_add_and_remove_a_link(first, second, agent, client):
    client.force_login(agent)

    added = client.post(
        reverse("tickets:link_add", args=[first.pk]),
        {"ticket": second.reference, "kind": "duplicate"},
    )

    assert added.status_code == 302
    link = TicketLink.objects.get()
    page = client.get(reverse("tickets:detail", args=[second.pk])).content.decode()
    assert first.reference in page
    assert reverse("tickets:detail", args=[first.pk]) in page
    removed = client.post(
        reverse("tickets:link_remove", args=[second.pk]), {"link": link.pk}
    )
    assert removed.status_code == 302
    assert not TicketLink.objects.exists()


def test_page_link_form_errors_stay_on_the_form(first, agent, client):
    client.force_login(agent)

    response = client.post(
        reverse("tickets:link_add", args=[first.pk]),
        {"ticket": first.reference, "kind": "related"},
    )

    assert response.status_code == 200
    assert response.context["link_form"].errors
    assert not TicketLink.objects.exists()


def test_requesters_see_no_links_on_the_page(first, second, agent, requester, client):
    services.ticket_link_add(ticket=first, other=second, by=agent)
    client.force_login(requester)

    page = client.get(reverse("tickets:detail", args=[first.pk])).content.decode()

    assert second.reference not in page
    assert 'id="link-add"' not in page
    response = client.post(
        reverse("tickets:link_add", args=[first.pk]), {"ticket": second.pk}
    )
    assert response.status_code == 403


def test_a_cached_ticket_page_shows_a_new_link_at_once(
    first, second, agent, client, settings
):
    settings.TICKET_CACHE = True
    client.force_login(agent)
    url = reverse("tickets:detail", args=[second.pk])
    assert first.reference not in client.get(url).content.decode()

    services.ticket_link_add(ticket=first, other=second, by=agent)

    assert first.reference in client.get(url).content.decode()
