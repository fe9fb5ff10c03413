"""The outage notice banner of the portal (templates/tickets/incidents/)."""

from django import template

from accounts.roles import is_active_user, is_staff_member

from .. import cache as ticket_cache
from ..selectors import incidents as selectors

register = template.Library()


def banner_rows(user) -> list[dict]:
    """The open notices as `user` sees them, from the never-stale cache.

    Keyed by the data version, which every change to a notice (and every
    "나도 같은 문제") moves in its transaction, and by the viewer (their
    own press shows as "registered").
    """
    return ticket_cache.get_or_compute(
        user, ("incident-banner",), lambda: selectors.incident_banner(user=user)
    )


@register.inclusion_tag("tickets/incidents/banner_list.html", takes_context=True)
def incident_banner(context):
    """Open notices for requesters; the IT team has the notices' own pages."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not is_active_user(user) or is_staff_member(user):
        return {"incidents": []}
    return {
        "incidents": banner_rows(user),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
