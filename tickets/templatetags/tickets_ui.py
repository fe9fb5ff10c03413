"""Small pieces of the ticket pages: badges, times and people's names.

The markup is in `templates/tickets/includes/` (badge.html, when.html), as are
the lists, the conversation and the history built from these pieces.
"""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from ..models import Priority, Status
from ..people import display_name

register = template.Library()


def _label(choices, code) -> str:
    try:
        return choices(code).label
    except ValueError:
        return code


@register.inclusion_tag("tickets/includes/badge.html")
def status_badge(code):
    """The status as text in a coloured badge (the colour is never the only cue)."""
    return {"kind": "status", "code": code, "label": _label(Status, code)}


@register.inclusion_tag("tickets/includes/badge.html")
def priority_badge(code):
    return {"kind": "priority", "code": code, "label": _label(Priority, code)}


@register.filter
def status_label(code):
    return _label(Status, code)


@register.inclusion_tag("tickets/includes/when.html")
def when(moment, full=False):
    """`<time>` with the relative time ("3 hours ago") and the absolute one.

    The absolute time is the title in lists and written out with `full`.
    """
    if not moment:
        return {"moment": None}
    local = timezone.localtime(moment)
    return {
        "moment": moment,
        "full": full,
        "iso": local.isoformat(),
        "absolute": date_format(local, "DATETIME_FORMAT"),
        "relative": ago(moment),
    }


def ago(moment) -> str:
    """The time since `moment` in words, timesince's largest unit: "3 hours ago".

    Within a minute, "just now" (timesince would say "0 minutes").
    """
    if (timezone.now() - moment).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment, depth=1)}


@register.simple_tag(takes_context=True)
def person(context, someone):
    """The person's name as the viewer (`user` in the context) may see it."""
    return display_name(someone, context.get("user"))
