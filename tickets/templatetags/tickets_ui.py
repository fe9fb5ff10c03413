"""Small, fast pieces of the ticket pages: badges, times and people's names.

They are Python rather than included templates because the queue renders them
for every row.
"""

from functools import lru_cache
from html import escape as html_escape

from django import template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, localize
from django.utils.html import avoid_wrapping, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS
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


@register.simple_tag
def when(moment, full=False):
    """`<time>` with the relative time ("3 hours ago") and the absolute one.

    The absolute time is the title in lists and written out with `full`.
    """
    return Clock().when(moment, full)


class Clock:
    """`when` for the many times of one page: now, the zone and language read once."""

    def __init__(self):
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        self.language = translation.get_language()

    def when(self, moment, full=False) -> str:
        if not moment:
            return ""
        iso, absolute = _local_texts(moment, self.zone, self.language)
        relative = _relative(moment, self.now, self.language)
        if full:
            html = (
                f'<time datetime="{iso}">{relative} '
                f'<span class="abs">({absolute})</span></time>'
            )
        else:
            html = f'<time datetime="{iso}" title="{absolute}">{relative}</time>'
        return SafeString(html)  # every part escaped


@lru_cache(maxsize=4096)
def _local_texts(moment, zone, language) -> tuple[str, str]:
    """The local time in ISO form and as the language writes it, escaped.

    A pure function of its arguments: memoised, since a list shows the same
    times request after request.
    """
    local = timezone.localtime(moment, zone)
    absolute = date_format(local.replace(tzinfo=None), "DATETIME_FORMAT")
    return html_escape(local.isoformat()), html_escape(absolute)


_CHUNKS = ((7 * 24 * 3600, "week"), (24 * 3600, "day"), (3600, "hour"), (60, "minute"))


def _relative(moment, now, language) -> str:
    """`timesince(moment, depth=1)` + " ago", escaped; "just now" within a minute.

    timesince's own reckoning (whole calendar years and months first, then
    weeks, days, hours, minutes), its largest unit only; the texts memoised.
    """
    delta = now - moment
    if delta.total_seconds() < 60:
        return _just_now(language)
    now = now.astimezone(moment.tzinfo)
    months = (now.year - moment.year) * 12 + now.month - moment.month
    if (moment.day, moment.time()) > (now.day, now.time()):
        months -= 1
    if months >= 12:
        return _ago("year", months // 12, language)
    if months > 0:
        return _ago("month", months, language)
    seconds = delta.days * 24 * 3600 + delta.seconds
    for chunk, unit in _CHUNKS:
        if seconds >= chunk:
            return _ago(unit, seconds // chunk, language)
    return _just_now(language)  # unreachable: a minute has passed


@lru_cache(maxsize=64)
def _just_now(language) -> str:
    return html_escape(_("just now"))


@lru_cache(maxsize=2048)
def _ago(unit, count, language) -> str:
    since = avoid_wrapping(TIME_STRINGS[unit] % {"num": count})
    return html_escape(_("%(time)s ago") % {"time": since})


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
def form_errors(form):
    """`includes/form_errors.html` written in Python: the same HTML."""
    errors = form.non_field_errors()
    if not errors:
        return mark_safe("\n")  # noqa: S308 (a constant)
    paragraphs = format_html_join("", "<p>{}</p>", ((error,) for error in errors))
    return format_html('<div class="alert error" role="alert">{}</div>\n', paragraphs)


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
# (plain strings, every value escaped) they cost a fraction of a template loop.


def _detail_url_maker():
    """`pk -> /tickets/<pk>/`, with one `reverse` for the whole page."""
    sentinel = 987654321
    before, after = reverse("tickets:detail", args=[sentinel]).split(str(sentinel))
    return lambda pk: f"{before}{pk}{after}"


class _RowWriter:
    """The cells every list shares, with what they need read once per page."""

    def __init__(self, viewer, *, nobody: str, indent: str):
        self.viewer = viewer
        self.indent = indent
        self.url = _detail_url_maker()
        self.clock = Clock()
        self.nobody = f'<td><span class="muted">{html_escape(nobody)}</span></td>'
        self.names: dict[int, str] = {}

    def name(self, someone) -> str:
        """The person's name as `display_name` gives it, escaped."""
        name = self.names.get(someone.pk)
        if name is None:
            name = html_escape(display_name(someone, self.viewer))
            self.names[someone.pk] = name
        return name

    def ticket(self, ticket) -> str:
        return (
            f'<td class="ticket-cell"><a href="{html_escape(self.url(ticket.pk))}">'
            f'<span class="ref">{html_escape(ticket.reference)}</span> '
            f"{html_escape(ticket.title)}</a></td>"
        )

    def assignee(self, ticket) -> str:
        if ticket.assignee is None:
            return self.nobody
        return f"<td>{self.name(ticket.assignee)}</td>"

    def badges(self, ticket) -> str:
        language = self.clock.language
        return (
            f"<td>{_badge('status', ticket.status, language)}</td>\n"
            f"{self.indent}<td>{_badge('priority', ticket.priority, language)}</td>\n"
        )


def queue_rows(tickets, viewer) -> str:
    """The queue's table rows, each with its tick box."""
    cells = _RowWriter(viewer, nobody=_("Unassigned"), indent=" " * 8)
    select = _("Select %(reference)s")
    rows = []
    for ticket in tickets:
        pick = f"pick-{ticket.pk}"
        label = select % {"reference": html_escape(ticket.reference)}
        rows.append(
            "\n      <tr>\n"
            f'        <td class="pick"><input type="checkbox" name="tickets" '
            f'value="{ticket.pk}" id="{pick}"><label for="{pick}" class="sr-only">'
            f"{label}</label></td>\n"
            f"        {cells.ticket(ticket)}\n"
            f"        {cells.badges(ticket)}"
            f"        <td>{html_escape(ticket.category.name)}</td>\n"
            f"        <td>{cells.name(ticket.requester)}</td>\n"
            f"        {cells.assignee(ticket)}\n"
            f"        <td>{cells.clock.when(ticket.updated_at)}</td>\n"
            "      </tr>"
        )
    return mark_safe("".join(rows) + "\n")  # noqa: S308 (every value escaped)


def my_ticket_rows(tickets, viewer) -> str:
    """A requester's table rows."""
    cells = _RowWriter(viewer, nobody=_("Not yet assigned"), indent=" " * 6)
    rows = [
        "\n    <tr>\n"
        f"      {cells.ticket(ticket)}\n"
        f"      {cells.badges(ticket)}"
        f"      {cells.assignee(ticket)}\n"
        f"      <td>{cells.clock.when(ticket.updated_at)}</td>\n"
        "    </tr>"
        for ticket in tickets
    ]
    return mark_safe("".join(rows) + "\n")  # noqa: S308 (every value escaped)


# --- The ticket page's conversation and history ------------------------------------
# Fifty comments and a hundred history entries: Python, not a template loop.


@register.simple_tag(takes_context=True)
def conversation(context, comments, ticket):
    """The comments, oldest first: internal notes marked, staff replies marked."""
    viewer = context.get("user")
    clock = Clock()
    note = f'<span class="tag note-label">{html_escape(_("Internal note"))}</span>'
    it_staff = f' <span class="muted">({html_escape(_("IT staff"))})</span>'
    names: dict[int | None, str] = {}
    items = []
    for comment in comments:
        author = comment.author
        by_requester = comment.author_id == ticket.requester_id
        kind = " internal" if comment.internal else ("" if by_requester else " staff")
        is_staff = not by_requester and author is not None and author.is_agent_or_admin
        name = names.get(comment.author_id)
        if name is None:
            name = names[comment.author_id] = html_escape(display_name(author, viewer))
        items.append(
            "<li>\n"
            f'          <article class="comment{kind}" id="comment-{comment.pk}">\n'
            "            <header>\n"
            f"              {note if comment.internal else ''}\n"
            f"              <strong>{name}</strong>{it_staff if is_staff else ''}\n"
            f"              · {clock.when(comment.created_at, full=True)}\n"
            "            </header>\n"
            f'            <div class="body">{_lines(comment.body)}</div>\n'
            "          </article>\n"
            "        </li>"
        )
    return mark_safe("\n        ".join(items))  # noqa: S308 (every value escaped)


def _lines(text: str) -> str:
    """`linebreaksbr` with autoescape: escaped, each line break a `<br>`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return html_escape(text).replace("\n", "<br>")


@register.simple_tag
def history(timeline):
    """The history entries (`views.timeline`), each with its time."""
    clock = Clock()
    internal = ' class="internal"'
    items = [
        f"<li{internal if item['event'].internal else ''}>"
        f"{clock.when(item['event'].created_at)} {html_escape(item['text'])}</li>"
        for item in timeline
    ]
    return mark_safe("\n            ".join(items))  # noqa: S308 (every value escaped)
