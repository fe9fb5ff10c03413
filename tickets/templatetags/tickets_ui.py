"""Small, fast pieces of the ticket pages: badges, times and people's names.

They are Python rather than included templates because the queue renders them
for every row.
"""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
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
    return format_html(
        '<span class="tag status-{}">{}</span>', code, _label(Status, code)
    )


@register.simple_tag
def priority_badge(code):
    return format_html(
        '<span class="tag priority-{}">{}</span>',
        code,
        _label(Priority, code),
    )


@register.filter
def status_label(code):
    return _label(Status, code)


@register.simple_tag
def when(moment, full=False):
    """`<time>` with the relative time ("3 hours ago") and the absolute one.

    The absolute time is the title in lists and written out with `full`.
    """
    if not moment:
        return ""
    local = timezone.localtime(moment)
    absolute = date_format(local, "DATETIME_FORMAT")
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
