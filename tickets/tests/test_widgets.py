"""The pages' forms render through Django's widget templates and the field layout."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from accounts.tests.factories import AgentFactory
from servicedesk.forms import FormRenderer
from tickets.forms import (
    BulkActionForm,
    CloseForm,
    ReplyForm,
    StaffUpdateForm,
    TicketCreateForm,
    TicketOnBehalfForm,
)
from tickets.tests.factories import CategoryFactory


@pytest.mark.django_db
def test_the_pages_forms_use_the_project_renderer(ticket, agent, requester):
    forms = [
        TicketCreateForm(user=requester),
        TicketOnBehalfForm(user=agent),
        ReplyForm(user=agent, ticket=ticket),
        StaffUpdateForm(ticket=ticket, staff=[agent]),
        CloseForm(initial={"version": 1}),
        BulkActionForm(staff=[agent]),
    ]
    assert all(isinstance(form.renderer, FormRenderer) for form in forms)


@pytest.mark.django_db
def test_field_group_shows_the_error_beside_the_field(requester):
    form = TicketCreateForm({"title": " ", "contact_phone": "x"}, user=requester)
    assert not form.is_valid()
    html = form["title"].as_field_group()
    assert 'class="field has-error"' in html
    assert '<label for="id_title">' in html
    assert '<span aria-hidden="true">*</span>' in html
    assert re.search(r'<p class="field-error" id="id_title_error">[^<]+</p>', html)
    assert 'aria-invalid="true"' in html
    # The widget points at the help text and the error, which carry those ids.
    describedby = re.search(r'aria-describedby="([^"]+)"', html).group(1).split()
    assert describedby == ["id_title_helptext", "id_title_error"]
    assert 'id="id_title_helptext"' in html


@pytest.mark.django_db
def test_field_group_of_a_valid_optional_field_has_no_error_or_marker(requester):
    html = TicketCreateForm(user=requester)["location"].as_field_group()
    assert "has-error" not in html
    assert "field-error" not in html
    assert 'aria-hidden="true"' not in html
    assert '<small class="help" id="id_location_helptext">' in html


@pytest.mark.django_db
def test_field_group_is_the_include_for_login_pages_too(requester):
    field = TicketCreateForm(user=requester)["title"]
    assert (
        field.as_field_group()
        == render_to_string("includes/field.html", {"field": field}).strip()
    )


@pytest.mark.django_db
def test_typed_text_and_error_messages_are_escaped(ticket, agent):
    form = ReplyForm(
        {"body": '</textarea><script>alert("x")</script>', "visibility": "<b>"},
        user=agent,
        ticket=ticket,
    )
    assert not form.is_valid()
    body = form["body"].as_field_group()
    assert "<script>" not in body
    assert "&lt;/textarea&gt;&lt;script&gt;" in body
    visibility = form["visibility"].as_field_group()
    assert "<b>" not in visibility
    assert "&lt;b&gt;" in visibility


@pytest.mark.django_db
def test_menus_escape_people_and_categories(ticket):
    odd = AgentFactory(name='Kim "Q" <b>&')
    CategoryFactory(slug="odd", name_ko="<i>망</i>", name_en="<i>net</i>")
    form = StaffUpdateForm(ticket=ticket, staff=[odd])
    html = str(form["assignee"]) + str(form["category"])
    assert "<b>" not in html
    assert "<i>" not in html
    assert "Kim &quot;Q&quot; &lt;b&gt;&amp;" in html
    assert "&lt;i&gt;망&lt;/i&gt;" in html


@pytest.mark.django_db
def test_category_menu_names_categories_in_the_active_language(ticket, agent):
    with translation.override("en"):
        form = StaffUpdateForm(ticket=ticket, staff=[agent])
        html = str(form["category"])
    assert f'<option value="{ticket.category_id}" selected>Network</option>' in html


@pytest.mark.django_db
def test_category_menu_is_read_once(ticket, agent, django_assert_num_queries):
    form = StaffUpdateForm(ticket=ticket, staff=[agent])
    with django_assert_num_queries(0):
        form["category"].as_field_group()


@pytest.mark.django_db
def test_staff_update_still_checks_the_category(ticket, agent):
    closed = CategoryFactory(slug="closed", is_active=False)
    form = StaffUpdateForm(
        {
            "version": ticket.version,
            "status": ticket.status,
            "priority": ticket.priority,
            "category": closed.pk,
        },
        ticket=ticket,
        staff=[agent],
    )
    assert not form.is_valid()
    assert "category" in form.errors


@pytest.mark.django_db
def test_form_errors_shows_the_forms_own_errors_escaped():
    form = CloseForm({"version": "1"})
    assert form.is_valid()
    assert not render_to_string("includes/form_errors.html", {"form": form}).strip()
    form.add_error(None, 'Stale <b>"form"</b>')
    html = render_to_string("includes/form_errors.html", {"form": form})
    assert html.startswith('<div class="alert error" role="alert">')
    assert "<p>Stale &lt;b&gt;&quot;form&quot;&lt;/b&gt;</p>" in html


@pytest.mark.django_db
def test_reply_form_offers_the_internal_switch_to_staff_only(ticket, agent, requester):
    assert "visibility" in ReplyForm(user=agent, ticket=ticket).fields
    assert "visibility" not in ReplyForm(user=requester, ticket=ticket).fields
