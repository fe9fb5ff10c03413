"""The pages' forms write their widgets in Python: exactly Django's templates' HTML."""

import pytest
from django.forms.renderers import get_default_renderer
from django.template.loader import render_to_string
from django.utils import translation

from accounts.tests.factories import AgentFactory
from tickets.forms import (
    BulkActionForm,
    CloseForm,
    PageRenderer,
    QueueFilterForm,
    ReplyForm,
    StaffUpdateForm,
    TicketCreateForm,
    TicketListForm,
    TicketOnBehalfForm,
)
from tickets.models import Category
from tickets.templatetags.tickets_ui import field_group, form_errors


def page_forms(ticket, staff, requester, **kwargs):
    """The pages' forms, unbound and bound with odd input (errors, markup)."""
    categories = Category.objects.all()
    odd_query = {"q": '<script>"&', "status": "bogus", "page_size": "100"}
    agent = staff[0]
    return [
        QueueFilterForm({}, staff=staff, categories=categories, **kwargs),
        QueueFilterForm(odd_query, staff=staff, categories=categories, **kwargs),
        TicketListForm({"status": "open", "q": "프린터"}, **kwargs),
        BulkActionForm(staff=staff, **kwargs),
        ReplyForm(user=agent, ticket=ticket, **kwargs),
        ReplyForm(
            {"body": "a\n<b>", "visibility": "x"}, user=agent, ticket=ticket, **kwargs
        ),
        ReplyForm(user=requester, ticket=ticket, **kwargs),
        StaffUpdateForm(ticket=ticket, staff=staff, **kwargs),
        StaffUpdateForm({"status": "zzz"}, ticket=ticket, staff=staff, **kwargs),
        CloseForm(initial={"version": 3}, **kwargs),
        TicketCreateForm(user=requester, **kwargs),
        TicketOnBehalfForm({"title": " ", "contact_phone": "x"}, user=agent, **kwargs),
    ]


def rendered(forms) -> list[str]:
    """Every field's widget, radio button and field group (includes/field.html)."""
    html = []
    for form in forms:
        if form.is_bound:
            form.is_valid()
        for field in form:
            html.append(str(field))
            html.append(render_to_string("includes/field.html", {"field": field}))
            html.extend(radio.tag() for radio in field.subwidgets)
    return html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
def test_python_widgets_write_what_the_templates_write(
    language, make_ticket, agent, requester
):
    ticket = make_ticket()
    staff = [agent, AgentFactory(name='Kim "Q" <b>&')]
    with translation.override(language):
        fast_forms = page_forms(ticket, staff, requester)
        assert all(isinstance(form.renderer, PageRenderer) for form in fast_forms)
        django_forms = page_forms(
            ticket, staff, requester, renderer=get_default_renderer()
        )
        assert rendered(fast_forms) == rendered(django_forms)


@pytest.mark.django_db
def test_field_group_writes_what_the_field_include_writes(
    make_ticket, agent, requester
):
    ticket = make_ticket()
    for form in page_forms(ticket, [agent], requester):
        if form.is_bound:
            form.is_valid()
        for field in form:
            expected = render_to_string("includes/field.html", {"field": field})
            assert field_group(field) == expected, (type(form).__name__, field.name)


@pytest.mark.django_db
def test_form_errors_writes_what_the_errors_include_writes(
    make_ticket, agent, requester
):
    ticket = make_ticket()
    forms = page_forms(ticket, [agent], requester)
    forms[-1].add_error(None, 'Stale <b>"form"</b>')
    forms[-1].add_error(None, "Again & again")
    for form in forms:
        if form.is_bound:
            form.is_valid()
        expected = render_to_string("includes/form_errors.html", {"form": form})
        assert form_errors(form) == expected
    assert "Again &amp; again" in form_errors(forms[-1])
