"""Index-backed text search on PostgreSQL; nothing on other databases.

`tickets.selectors.ticket_search` filters with `title__icontains` (compiled by
Django to `UPPER(title::text) LIKE UPPER(%s)`) for terms of three or more
characters, and with `string_to_array(search_bigrams, ' ') @> ARRAY[...]` for
two-character terms. The indexes below are on exactly those expressions; if one
side changes, the other must too (tests/test_search.py checks the plans).
SQLite (the `make run` default) has no GIN indexes, so these are skipped there.
"""

from django.db import migrations

INDEXES = {
    "ticket_title_trgm_idx": (
        "ON tickets_ticket USING gin ((UPPER(title::text)) gin_trgm_ops)"
    ),
    "ticket_description_trgm_idx": (
        "ON tickets_ticket USING gin ((UPPER(description::text)) gin_trgm_ops)"
    ),
    "ticket_bigrams_idx": (
        "ON tickets_ticket USING gin ((string_to_array(search_bigrams, ' ')))"
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+); reversing keeps it, as
    # other apps may use it too.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_default_categories")]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
