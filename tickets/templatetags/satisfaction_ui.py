"""The ticket page's satisfaction (CSAT) card: `{% ticket_satisfaction ticket %}`.

The requester of a resolved ticket gets the rating form, or their rating with a
way to change it; staff get the requester's ratings and comments; nobody else
gets anything. Rendered inside the page's cached fragment, whose key moves with
every saved rating (the service moves the data version). A ticket with no
resolution to rate costs no query.
"""

from django import template

from .. import policies, selectors
from ..forms import SatisfactionForm
from ..satisfaction_links import current_resolution

register = template.Library()


@register.inclusion_tag("tickets/includes/satisfaction.html", takes_context=True)
def ticket_satisfaction(context, ticket):
    user = context["request"].user
    # A form sent back with errors (the view passes it) is shown whatever
    # happened to the ticket meanwhile: it says why it was refused.
    sent_back = context.get("satisfaction_form")
    resolved = current_resolution(ticket) is not None
    if not resolved and sent_back is None:
        return {"shown": False}
    if policies.can_rate_ticket(user, ticket):
        current = selectors.satisfaction_current(user=user, ticket=ticket)
        form = sent_back or SatisfactionForm(
            initial={"rating": current.rating, "comment": current.comment}
            if current
            else None,
            auto_id="satisfaction_%s",
        )
        return {
            "shown": True,
            "resolved": resolved,
            "ticket": ticket,
            "current": current,
            "form": form,
        }
    if policies.can_see_satisfaction(user, ticket):
        ratings = list(selectors.satisfaction_list(user=user, ticket=ticket))
        return {"shown": bool(ratings), "ticket": ticket, "ratings": ratings}
    return {"shown": False}
