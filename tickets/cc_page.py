"""The ticket page's "CC" and "follow" panel: its part of the page context.

Lazy values only: they are read inside the page's cached fragment, so a cache
hit runs none of their queries (tickets/cache.py).
"""

from functools import partial

from django.utils.functional import SimpleLazyObject

from . import policies, selectors
from .forms import CCAddForm, FollowForm


def cc_context(user, ticket) -> dict:
    """Who is copied on the ticket, and the forms this user may use."""
    can_follow = policies.can_follow_ticket(user, ticket)
    context = {
        "cc_list": selectors.ticket_cc_list(user=user, ticket=ticket),
        "can_manage_cc": policies.can_manage_cc(user, ticket),
        "cc_add_form": SimpleLazyObject(CCAddForm),
        "can_follow": can_follow,
    }
    if can_follow:
        following = SimpleLazyObject(
            partial(selectors.ticket_is_followed, user=user, ticket=ticket)
        )
        context["follow_form"] = SimpleLazyObject(
            lambda: FollowForm(initial={"follow": not following})
        )
        context["following"] = following
    return context
