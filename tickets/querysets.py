"""Scoped reads: every list, lookup, search and count starts from `visible_to`."""

from django.apps import apps
from django.db import models

from accounts.roles import is_active_user, is_staff_member


def _ticket_ids_of(user):
    """Ids of the tickets `user` requested or is CC'd on, as one subquery.

    A UNION of two indexed lookups (the requester index, the CC user index):
    PostgreSQL then reads just those tickets. `requester = … OR id IN (…)`
    would make it scan every ticket, as no index answers an OR with a subquery.
    """
    Ticket = apps.get_model("tickets", "Ticket")
    TicketCC = apps.get_model("tickets", "TicketCC")
    own = Ticket.objects.filter(requester=user).order_by().values("pk")
    copied = TicketCC.objects.filter(user=user).order_by().values("ticket_id")
    return own.union(copied, all=True)


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All tickets for agents and admins; else the tickets they are on.

        A requester sees their own tickets and those they are CC'd on
        (`involving`); nobody else's.
        """
        if is_staff_member(user):
            return self.all()
        if is_active_user(user):
            return self.involving(user)
        return self.none()

    def involving(self, user):
        """Tickets `user` requested or is CC'd on ("my tickets").

        `id IN (subquery)`, not a join: a ticket is never listed twice, and
        the keyset pagination and counts stay exact.
        """
        return self.filter(pk__in=_ticket_ids_of(user))


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Comments on tickets the user may see; internal notes for staff only."""
        if is_staff_member(user):
            return self.all()
        if is_active_user(user):
            return self.filter(ticket__in=_ticket_ids_of(user), internal=False)
        return self.none()


class TicketEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """History of tickets the user may see; internal events for staff only."""
        if is_staff_member(user):
            return self.all()
        if is_active_user(user):
            return self.filter(ticket__in=_ticket_ids_of(user), internal=False)
        return self.none()


class TicketCCQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The CCs of tickets the user may see (everyone on a ticket sees its CCs)."""
        Ticket = apps.get_model("tickets", "Ticket")
        return self.filter(ticket__in=Ticket.objects.visible_to(user).values("pk"))


class CannedReplyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Shared canned replies and the user's own, for staff; none otherwise."""
        if is_staff_member(user):
            return self.filter(models.Q(owner=None) | models.Q(owner=user))
        return self.none()
