"""Template flags for the knowledge base's pieces on other apps' pages."""

from django import template

from accounts.roles import is_staff_member

from .. import policies

register = template.Library()


@register.filter
def kb_counts_deflections(user) -> bool:
    """Whether "this solved it" is offered to `user` (published, public articles)."""
    return policies.can_deflect_any(user)


@register.filter
def kb_picks_links(user) -> bool:
    """Whether the reply form offers the article link picker."""
    return is_staff_member(user)
