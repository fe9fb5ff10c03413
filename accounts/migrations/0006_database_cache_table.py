"""Create the database cache table, so that `migrate` alone gives a working site.

The shared cache (sessions, sign-in locks, page fragments) is the database cache
unless REDIS_URL is set; without its table every sign-in failed. Django's own
`createcachetable` creates the table of each database cache in CACHES (none with
Redis) and leaves an existing one alone.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command(
        "createcachetable", database=schema_editor.connection.alias, verbosity=0
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_email_key_unique"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
