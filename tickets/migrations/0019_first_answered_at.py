"""`Ticket.first_answered_at`: when the first-response clock stopped.

Filled here for existing tickets by the rule `sla.services` follows live (and
`manage.py sla_recompute` replays): the first public staff reply, or the first
resolution or close if it came before any reply; for rows whose history lacks
the status change (loaded from elsewhere), the resolution or close on the row.
Three UPDATEs, on PostgreSQL and SQLite alike. The covering indexes read by
the queue's SLA tabs and the reports follow the column.
"""

from django.db import migrations, models
from django.db.models import Exists, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

STOPPED = ["resolved", "closed"]


def fill(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    stops = TicketEvent.objects.filter(
        ticket=OuterRef("pk"),
        kind="status_changed",
        field="status",
        new_value__in=STOPPED,
    )
    first_stop = Subquery(
        stops.order_by()
        .values("ticket")
        .annotate(first=Min("created_at"))
        .values("first")[:1]
    )
    Ticket.objects.filter(first_responded_at__isnull=False).update(
        first_answered_at=F("first_responded_at")
    )
    Ticket.objects.filter(Exists(stops)).filter(
        Q(first_answered_at__isnull=True) | Q(first_answered_at__gt=first_stop)
    ).update(first_answered_at=first_stop)
    row_stop = Coalesce("resolved_at", "closed_at")
    Ticket.objects.filter(status__in=STOPPED).exclude(
        resolved_at__isnull=True, closed_at__isnull=True
    ).filter(
        Q(first_answered_at__isnull=True) | Q(first_answered_at__gt=row_stop)
    ).update(first_answered_at=row_stop)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0018_incident_event_kinds"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_open_sla_state_idx",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_first_responded_idx",
        ),
        migrations.AddField(
            model_name="ticket",
            name="first_answered_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", ["new", "in_progress", "waiting"])),
                fields=["sla_state", "resolution_due_at"],
                include=(
                    "id",
                    "category",
                    "priority",
                    "assignee",
                    "first_answered_at",
                    "first_response_due_at",
                    "sla_warning_at",
                ),
                name="ticket_open_sla_state_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("first_responded_at__isnull", False)),
                fields=["first_responded_at"],
                include=(
                    "id",
                    "first_response_working_seconds",
                    "category",
                    "priority",
                    "assignee",
                ),
                name="ticket_first_responded_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("first_answered_at__isnull", False)),
                fields=["first_answered_at"],
                include=(
                    "id",
                    "first_response_due_at",
                    "category",
                    "priority",
                    "assignee",
                ),
                name="ticket_first_answered_idx",
            ),
        ),
    ]
