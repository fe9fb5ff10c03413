"""Scoped reads of attachments: the same rules as internal notes."""

from django.db import models

from tickets.models import Ticket
from tickets.policies import can_see_internal


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Attachments of tickets the user may see; internal ones for staff only."""
        qs = self.filter(ticket__in=Ticket.objects.visible_to(user))
        if not can_see_internal(user):
            qs = qs.filter(internal=False)
        return qs
