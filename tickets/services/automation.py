"""The automatic close of resolved tickets (run by a worker or cron)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Status, Ticket
from . import counters
from ._common import apply_status, save


def tickets_auto_close(*, now=None, days: int | None = None) -> list[Ticket]:
    """Close tickets resolved at least `days` (AUTO_CLOSE_DAYS) ago.

    A trusted path: no user, no policy check; the history shows no actor.
    Each ticket is closed in its own transaction, skipping rows another
    process holds, so several workers can run it at once.
    """
    now = now or timezone.now()
    days = settings.AUTO_CLOSE_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    due = Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
    closed = []
    for pk in due.order_by("resolved_at").values_list("pk", flat=True):
        with transaction.atomic(), counters.deferred():
            counters.touch()
            ticket = due.select_for_update(skip_locked=True).filter(pk=pk).first()
            if ticket is None:
                continue
            changed = apply_status(ticket, to=Status.CLOSED, by=None, now=now)
            closed.append(save(ticket, changed))
    return closed
