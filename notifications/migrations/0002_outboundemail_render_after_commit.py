"""Outbox rows record what to say; the worker renders them after commit.

Rows queued before this migration were rendered when they were written.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("tickets", "0004_counters_and_open_queue_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="comment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="tickets.comment",
                verbose_name="comment",
            ),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="ticket_title",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="title"
            ),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="new_value",
            field=models.CharField(blank=True, max_length=200, verbose_name="new value"),
        ),
        # Existing rows were rendered when written: they get True; new rows
        # default to False.
        migrations.AddField(
            model_name="outboundemail",
            name="rendered",
            field=models.BooleanField(default=True, verbose_name="rendered"),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="rendered",
            field=models.BooleanField(default=False, verbose_name="rendered"),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="body_text",
            field=models.TextField(blank=True, verbose_name="plain text"),
        ),
    ]
