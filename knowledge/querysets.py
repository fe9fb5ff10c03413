"""Scoped reads of articles: every page, API answer and suggestion starts here."""

from django.db import models

from accounts.roles import is_active_user, is_staff_member


class ArticleQuerySet(models.QuerySet):
    def public(self):
        """What any signed-in reader may see: published and not internal."""
        return self.filter(status="published", internal=False)

    def visible_to(self, user):
        """Every article for agents and admins; the public ones for requesters.

        Drafts and internal notes for the IT team never reach a requester: not
        on a page, in the API, in a search or in a suggestion.
        """
        if is_staff_member(user):
            return self.all()
        if is_active_user(user):
            return self.public()
        return self.none()
