"""Scoped reads: every list, lookup, search and count starts from `visible_to`."""

from django.db import models


def _is_staff_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_agent_or_admin)


def _is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All tickets for agents and admins; a requester's own tickets otherwise."""
        if _is_staff_member(user):
            return self.all()
        if _is_active_user(user):
            return self.filter(requester=user)
        return self.none()


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Comments on tickets the user may see; internal notes for staff only."""
        if _is_staff_member(user):
            return self.all()
        if _is_active_user(user):
            return self.filter(ticket__requester=user, internal=False)
        return self.none()


class TicketEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """History of tickets the user may see; internal events for staff only."""
        if _is_staff_member(user):
            return self.all()
        if _is_active_user(user):
            return self.filter(ticket__requester=user, internal=False)
        return self.none()
