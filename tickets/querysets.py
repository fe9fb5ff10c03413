"""Scoped reads: every list, lookup, search and count starts from `visible_to`."""

from django.db import models

from accounts.roles import is_active_user, is_staff_member


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All tickets for agents and admins; a requester's own tickets otherwise."""
        if is_staff_member(user):
            return self.all()
        if is_active_user(user):
            return self.filter(requester=user)
        return self.none()


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Comments on tickets the user may see; internal notes for staff only."""
        if is_staff_member(user):
            return self.all()
        if is_active_user(user):
            return self.filter(ticket__requester=user, internal=False)
        return self.none()


class TicketEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """History of tickets the user may see; internal events for staff only."""
        if is_staff_member(user):
            return self.all()
        if is_active_user(user):
            return self.filter(ticket__requester=user, internal=False)
        return self.none()
