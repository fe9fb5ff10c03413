"""Search in one stored, upper-cased column with one trigram index (PostgreSQL).

`tickets.selectors.ticket_search` now looks for a term of three or more
characters with `search_text LIKE '%' || UPPER(term) || '%'`: PostgreSQL no
longer upper-cases two columns of every row it tests, and one trigram index on
`search_text` replaces the two on `UPPER(title)` and `UPPER(description)` from
migration 0003 (tests/test_search.py checks the plans). The bigram index of 0003
stays: pg_trgm cannot serve two-character terms. Other databases get the column
but no index.
"""

import django.db.models.functions.text
from django.db import migrations, models

NEW_INDEXES = {
    "ticket_search_text_trgm_idx": (
        "ON tickets_ticket USING gin (search_text gin_trgm_ops)"
    ),
}
# As migration 0003 created them, for the way back.
OLD_INDEXES = {
    "ticket_title_trgm_idx": (
        "ON tickets_ticket USING gin ((UPPER(title::text)) gin_trgm_ops)"
    ),
    "ticket_description_trgm_idx": (
        "ON tickets_ticket USING gin ((UPPER(description::text)) gin_trgm_ops)"
    ),
}


def _swap(schema_editor, create: dict, drop: dict) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in create.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")
    for name in drop:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def use_search_text_index(apps, schema_editor):
    _swap(schema_editor, create=NEW_INDEXES, drop=OLD_INDEXES)


def use_column_indexes(apps, schema_editor):
    _swap(schema_editor, create=OLD_INDEXES, drop=NEW_INDEXES)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_counters_and_open_queue_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Upper(
                    django.db.models.functions.text.Concat(
                        "title",
                        models.Value(" "),
                        "description",
                        output_field=models.TextField(),
                    )
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(use_search_text_index, use_column_indexes),
    ]
