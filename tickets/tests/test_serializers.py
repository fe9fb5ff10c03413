"""The API's hand-written representations match DRF's field-by-field ones."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from rest_framework import serializers

from accounts.roles import is_staff_member
from tickets import services
from tickets.api.serializers import PersonSerializer, TicketSerializer
from tickets.selectors import ticket_get

pytestmark = pytest.mark.django_db


def generic(serializer, instance):
    """What ModelSerializer itself would answer, nested people included."""
    data = serializers.ModelSerializer.to_representation(serializer, instance)
    for name in ("requester", "assignee"):
        person = getattr(instance, name, None)
        if isinstance(serializer, TicketSerializer) and person is not None:
            nested = serializer.fields[name]
            data[name] = generic_person(nested, person)
    viewer = serializer.context["request"].user
    if isinstance(serializer, TicketSerializer) and not is_staff_member(viewer):
        for name in TicketSerializer.SLA_FIELDS:  # service levels are internal
            data.pop(name)
    return data


def generic_person(serializer, person):
    data = serializers.ModelSerializer.to_representation(serializer, person)
    if "email" not in PersonSerializer(person, context=serializer.context).data:
        data.pop("email")
    return data


def context_for(user):
    request = RequestFactory().get("/api/tickets")
    request.user = user
    return {"request": request}


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("assigned", [True, False])
@pytest.mark.parametrize("viewer_name", ["requester", "agent", "other_agent"])
def test_a_ticket_reads_the_same_as_drf_would_write_it(
    make_ticket, requester, agent, other_agent, language, assigned, viewer_name
):
    ticket = make_ticket(title="프린터 <출력>", description="오류 & 경고")
    if assigned:
        services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
        services.ticket_reply(ticket=ticket, by=agent, body="On my way")
    viewer = {"requester": requester, "agent": agent, "other_agent": other_agent}[
        viewer_name
    ]
    ticket = ticket_get(user=viewer, pk=ticket.pk)
    with translation.override(language):
        serializer = TicketSerializer(ticket, context=context_for(viewer))
        direct = serializer.data
        assert direct == generic(TicketSerializer(context=context_for(viewer)), ticket)
    # Service levels and tags are internal: a requester gets neither key.
    internal = (*TicketSerializer.SLA_FIELDS, "tags")
    hidden = internal if viewer_name == "requester" else ()
    assert list(direct) == [f for f in TicketSerializer.Meta.fields if f not in hidden]
    assert ("email" in direct["requester"]) is True  # staff, or the person themself
    if assigned:
        # A requester never sees staff e-mail addresses.
        assert ("email" in direct["assignee"]) is (viewer_name != "requester")
    else:
        assert direct["assignee"] is None
