"""Small, fast pieces of the ticket pages: badges, times and people's names.

They are Python rather than included templates because the queue renders them
for every row.
"""

from functools import lru_cache

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, localize
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from .. import policies
from ..models import Priority, Status

register = template.Library()


def _label(choices, code) -> str:
    try:
        return choices(code).label
    except ValueError:
        return code


@register.simple_tag
def status_badge(code):
    """The status as text in a coloured badge (the colour is never the only cue)."""
    return _badge("status", code, translation.get_language())


@register.simple_tag
def priority_badge(code):
    return _badge("priority", code, translation.get_language())


@lru_cache(maxsize=256)
def _badge(kind, code, language):
    """A badge's HTML, for the kind, the code and the language it is written in."""
    choices = Status if kind == "status" else Priority
    return format_html(
        '<span class="tag {}-{}">{}</span>', kind, code, _label(choices, code)
    )


@register.filter
def status_label(code):
    return _label(Status, code)


@lru_cache(maxsize=4096)
def _absolute(local, offset, language) -> str:
    """The date and time as the language writes it (a pure function: memoised,
    since a list shows the same times request after request)."""
    return date_format(local, "DATETIME_FORMAT")


@register.simple_tag
def when(moment, full=False):
    """`<time>` with the relative time ("3 hours ago") and the absolute one.

    The absolute time is the title in lists and written out with `full`.
    """
    if not moment:
        return ""
    local = timezone.localtime(moment)
    absolute = _absolute(
        local.replace(tzinfo=None), local.utcoffset(), translation.get_language()
    )
    seconds = (timezone.now() - moment).total_seconds()
    if seconds < 60:
        relative = _("just now")
    else:
        relative = _("%(time)s ago") % {"time": timesince(moment, depth=1)}
    if full:
        return format_html(
            '<time datetime="{}">{} <span class="abs">({})</span></time>',
            local.isoformat(),
            relative,
            absolute,
        )
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        absolute,
        relative,
    )


def display_name(someone, viewer) -> str:
    """A person's name; their e-mail only for viewers allowed to see it."""
    if someone is None:
        return _("System")
    if someone.name:
        return someone.name
    if policies.can_see_contact_details(viewer, someone):
        return someone.email
    return _("IT staff") if someone.is_agent_or_admin else _("Requester")


@register.simple_tag(takes_context=True)
def person(context, someone):
    return display_name(someone, context.get("user"))


@register.simple_tag
def field_group(field):
    """`includes/field.html` written in Python: the same HTML, for the hot pages."""
    required = ' <span aria-hidden="true">*</span>' if field.field.required else ""
    help_text = (
        format_html('<small class="help">{}</small>', field.help_text)
        if field.help_text
        else ""
    )
    errors = "".join(
        format_html('<p class="field-error" id="{}_error">{}</p>', field.auto_id, error)
        for error in field.errors
    )
    return format_html(
        '<div class="field{}">\n'
        '  <label for="{}">{}{}</label>\n'
        "  {}\n"
        "  {}\n"
        "  {}\n"
        "</div>\n",
        " has-error" if field.errors else "",
        field.id_for_label,
        field.label,
        mark_safe(required),  # noqa: S308 (a constant)
        field,
        help_text,
        mark_safe(errors),  # noqa: S308 (built with format_html)
    )


@register.simple_tag
def menu_options(choices):
    """Plain `<option>`s of a menu, none selected (the queue's bulk change bar)."""
    return format_html_join(
        "",
        '<option value="{}">{}</option>',
        ((localize(value), localize(label)) for value, label in choices),
    )


# --- Whole rows, for the lists -----------------------------------------------------
# The queue and "my tickets" render 25 to 100 rows a page: written out in Python
# they cost a fraction of a template loop with a tag per cell.


def _detail_url_maker():
    """`pk -> /tickets/<pk>/`, with one `reverse` for the whole page."""
    sentinel = 987654321
    before, after = reverse("tickets:detail", args=[sentinel]).split(str(sentinel))
    return lambda pk: f"{before}{pk}{after}"


def _ticket_cell(ticket, url) -> str:
    return format_html(
        '<td class="ticket-cell"><a href="{}"><span class="ref">{}</span> {}</a></td>',
        url(ticket.pk),
        ticket.reference,
        ticket.title,
    )


def _assignee_cell(ticket, viewer, nobody: str) -> str:
    if ticket.assignee is None:
        return format_html('<td><span class="muted">{}</span></td>', nobody)
    return format_html("<td>{}</td>", display_name(ticket.assignee, viewer))


def queue_rows(tickets, viewer) -> str:
    """The queue's table rows, each with its tick box."""
    url = _detail_url_maker()
    nobody = _("Unassigned")
    rows = []
    for ticket in tickets:
        pick = f"pick-{ticket.pk}"
        label = _("Select %(reference)s") % {"reference": escape(ticket.reference)}
        rows.append(
            "\n      <tr>\n"
            + format_html(
                '        <td class="pick"><input type="checkbox" name="tickets" '
                'value="{}" id="{}"><label for="{}" class="sr-only">{}</label></td>\n',
                ticket.pk,
                pick,
                pick,
                mark_safe(label),  # noqa: S308 (the reference is escaped)
            )
            + f"        {_ticket_cell(ticket, url)}\n"
            + f"        <td>{status_badge(ticket.status)}</td>\n"
            + f"        <td>{priority_badge(ticket.priority)}</td>\n"
            + f"        <td>{escape(ticket.category.name)}</td>\n"
            + f"        <td>{escape(display_name(ticket.requester, viewer))}</td>\n"
            + f"        {_assignee_cell(ticket, viewer, nobody)}\n"
            + f"        <td>{when(ticket.updated_at)}</td>\n"
            + "      </tr>"
        )
    return mark_safe("".join(rows) + "\n")  # noqa: S308 (built with format_html)


def my_ticket_rows(tickets, viewer) -> str:
    """A requester's table rows."""
    url = _detail_url_maker()
    nobody = _("Not yet assigned")
    rows = [
        "\n    <tr>\n"
        f"      {_ticket_cell(ticket, url)}\n"
        f"      <td>{status_badge(ticket.status)}</td>\n"
        f"      <td>{priority_badge(ticket.priority)}</td>\n"
        f"      {_assignee_cell(ticket, viewer, nobody)}\n"
        f"      <td>{when(ticket.updated_at)}</td>\n"
        "    </tr>"
        for ticket in tickets
    ]
    return mark_safe("".join(rows) + "\n")  # noqa: S308 (built with format_html)


# --- The ticket page's conversation and history ------------------------------------
# Fifty comments and a hundred history entries: Python, not a template loop.


@register.simple_tag(takes_context=True)
def conversation(context, comments, ticket):
    """The comments, oldest first: internal notes marked, staff replies marked."""
    viewer = context.get("user")
    note = format_html('<span class="tag note-label">{}</span>', _("Internal note"))
    it_staff = format_html(' <span class="muted">({})</span>', _("IT staff"))
    items = []
    for comment in comments:
        author = comment.author
        by_requester = comment.author_id == ticket.requester_id
        kind = " internal" if comment.internal else ("" if by_requester else " staff")
        is_staff = not by_requester and author is not None and author.is_agent_or_admin
        items.append(
            format_html(
                "<li>\n"
                '          <article class="comment{}" id="comment-{}">\n'
                "            <header>\n"
                "              {}\n"
                "              <strong>{}</strong>{}\n"
                "              · {}\n"
                "            </header>\n"
                '            <div class="body">{}</div>\n'
                "          </article>\n"
                "        </li>",
                kind,
                comment.pk,
                note if comment.internal else "",
                display_name(author, viewer),
                it_staff if is_staff else "",
                when(comment.created_at, full=True),
                linebreaksbr(comment.body, autoescape=True),
            )
        )
    return mark_safe("\n        ".join(items))  # noqa: S308 (built with format_html)


@register.simple_tag
def history(timeline):
    """The history entries (`views.timeline`), each with its time."""
    items = [
        format_html(
            "<li{}>{} {}</li>",
            mark_safe(' class="internal"') if item["event"].internal else "",  # noqa: S308
            when(item["event"].created_at),
            item["text"],
        )
        for item in timeline
    ]
    return mark_safe("\n            ".join(items))  # noqa: S308 (built with format_html)
