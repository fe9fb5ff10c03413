"""The default calendar (Mon–Fri 09:00–18:00) and targets per priority.

Targets are working time; a "day" is the default working day, 9 hours (540
minutes): urgent 1 h / 4 h, high 4 h / 2 days, medium 1 day / 5 days,
low 2 days / 10 days (first response / resolution).
"""

import datetime

from django.db import migrations

DAY = 9 * 60
TARGETS = {
    "urgent": (60, 4 * 60),
    "high": (4 * 60, 2 * DAY),
    "medium": (DAY, 5 * DAY),
    "low": (2 * DAY, 10 * DAY),
}


def seed(apps, schema_editor):
    WorkingHours = apps.get_model("sla", "WorkingHours")
    Policy = apps.get_model("sla", "Policy")
    for weekday in range(5):
        WorkingHours.objects.get_or_create(
            weekday=weekday,
            defaults={"opens": datetime.time(9), "closes": datetime.time(18)},
        )
    for priority, (first_response, resolution) in TARGETS.items():
        Policy.objects.get_or_create(
            priority=priority,
            category=None,
            defaults={
                "first_response_minutes": first_response,
                "resolution_minutes": resolution,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
