"""Staff search also finds the location and the requester's name and e-mail.

The location joins the title and description in `search_text` (and its
two-character pieces in `search_bigrams`), so one trigram index still serves a
term. A generated column cannot be altered in place: it is dropped (its trigram
index with it) and added again with the new expression, and the index is built
again on it.

The requester's name and e-mail stay in the users table, where a rename shows
at once: `tickets.selectors.ticket_search` first finds the people a term names
with `UPPER(name::text) LIKE UPPER(…)` and the same for `email` (how Django
compiles `icontains` on PostgreSQL); the two trigram indexes below are on
exactly those expressions (tests/test_search.py checks the plans). PostgreSQL
only, as in 0003 and 0005; pg_trgm was created by 0003.
"""

import django.db.models.functions.text
from django.db import migrations, models

SEARCH_TEXT_INDEX = {
    "ticket_search_text_trgm_idx": (
        "ON tickets_ticket USING gin (search_text gin_trgm_ops)"
    ),
}
PEOPLE_INDEXES = {
    "user_name_trgm_idx": (
        "ON accounts_user USING gin ((UPPER(name::text)) gin_trgm_ops)"
    ),
    "user_email_trgm_idx": (
        "ON accounts_user USING gin ((UPPER(email::text)) gin_trgm_ops)"
    ),
}
BATCH = 2000


def _create(schema_editor, indexes: dict) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in indexes.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def _drop(schema_editor, indexes: dict) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in indexes:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_search_text_index(apps, schema_editor):
    _create(schema_editor, SEARCH_TEXT_INDEX)


def create_people_indexes(apps, schema_editor):
    _create(schema_editor, PEOPLE_INDEXES)


def drop_people_indexes(apps, schema_editor):
    _drop(schema_editor, PEOPLE_INDEXES)


def bigrams(*texts: str) -> str:
    """`tickets.selectors.search_bigrams` as of this migration."""
    pieces: set[str] = set()
    for text in texts:
        for word in (text or "").upper().split():
            pieces.update(word[i : i + 2] for i in range(len(word) - 1))
    return " ".join(sorted(pieces))


def add_location_bigrams(apps, schema_editor):
    """Only tickets with a location change; in batches, by id."""
    Ticket = apps.get_model("tickets", "Ticket")
    tickets = (
        Ticket.objects.exclude(location="")
        .order_by("pk")
        .only("pk", "title", "description", "location")
    )
    last = 0
    while True:
        batch = list(tickets.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        for ticket in batch:
            ticket.search_bigrams = bigrams(
                ticket.title, ticket.description, ticket.location
            )
        Ticket.objects.bulk_update(batch, ["search_bigrams"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_database_cache_table"),
        ("tickets", "0005_search_text"),
    ]

    operations = [
        # Backwards, the last step: the old column's index, as 0005 made it.
        migrations.RunPython(migrations.RunPython.noop, create_search_text_index),
        migrations.RemoveField(model_name="ticket", name="search_text"),
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
                        models.Value(" "),
                        "location",
                        output_field=models.TextField(),
                    )
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(create_search_text_index, migrations.RunPython.noop),
        migrations.RunPython(add_location_bigrams, migrations.RunPython.noop),
        migrations.RunPython(create_people_indexes, drop_people_indexes),
    ]
