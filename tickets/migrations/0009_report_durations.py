# The reports (issue 19): working-time durations kept by sla.services, and the
# indexes that find resolutions, first responses and reopenings in a period.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0008_sla_watch_markers"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="first_response_working_seconds",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="first response (working seconds)",
            ),
        ),
        migrations.AddField(
            model_name="ticket",
            name="resolution_working_seconds",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="resolution (working seconds)",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(resolved_at__isnull=False),
                fields=["resolved_at"],
                name="ticket_resolved_at_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(first_responded_at__isnull=False),
                fields=["first_responded_at"],
                name="ticket_first_responded_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticketevent",
            index=models.Index(
                condition=models.Q(kind="status_changed"),
                fields=["created_at"],
                name="event_status_changed_idx",
            ),
        ),
    ]
