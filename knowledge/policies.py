"""Who may do what with an article: plain functions asked by the API and pages.

Which articles a user may see at all is `Article.objects.visible_to(user)`.
"""

from accounts.roles import is_active_user, is_staff_member


def can_see_unpublished(user) -> bool:
    """Drafts and internal articles, and the deflection counts: the IT team."""
    return is_staff_member(user)


def can_deflect_any(user) -> bool:
    """Whether "this solved it" counts for `user`: the people the desk serves.

    The IT team's own clicks would only blur the figure.
    """
    return is_active_user(user) and not is_staff_member(user)


def can_deflect(user, article) -> bool:
    """A reader the desk serves, on an article they may read (public)."""
    return can_deflect_any(user) and article.is_public
