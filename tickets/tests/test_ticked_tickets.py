"""The ticked tickets of the queue's bulk bar and the notice's "link tickets" page."""

import pytest
from django import forms
from django.utils import translation

from tickets.forms._common import TickedTicketsField


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class Ticked(forms.Form):
    tickets = TickedTicketsField(limit=3, too_many="At most %(limit)s.")


def errors(*values):
    form = Ticked({"tickets": list(values)})
    assert not form.is_valid()
    return form.errors["tickets"]


def test_ids_come_back_once_each_and_sorted():
    form = Ticked({"tickets": ["7", "3", "7"]})
    assert form.is_valid()
    assert form.cleaned_data["tickets"] == [3, 7]


def test_nothing_ticked_asks_to_tick_one():
    assert errors() == ["Tick at least one ticket first."]


@pytest.mark.parametrize("value", ["²", "-1", "0", "abc", str(2**63)])
def test_anything_but_a_ticket_id_is_refused(value):
    assert errors("1", value) == ["Tick tickets from the list."]


def test_more_than_the_limit_is_refused_with_the_limit():
    assert errors("1", "2", "3", "4") == ["At most 3."]
