"""Text searches are planned for their own values, never from a generic plan.

psycopg prepares a statement a connection has run `prepare_threshold` times
(settings: DATABASE_PREPARE_THRESHOLD), and after five runs PostgreSQL may
switch a prepared statement to a generic plan, made without the parameters'
values. For a search that plan is blind to what decides it: a two-letter term
has no trigrams, so the trigram index returns every row (measured: 8 ms with
the term's own plan, 260 ms with the generic one); a common word matches a
third of the queue, a rare one a handful. So a read that matches a pattern
(`LIKE`) or looks for a two-letter piece (`string_to_array(search_bigrams)`,
see selectors.ticket_search) runs unprepared: PostgreSQL plans it with the
term, as it would any one-off statement. Everything else stays prepared.
"""

from django.db.backends.signals import connection_created

SEARCH_MARKERS = (" LIKE ", "string_to_array(")


def is_search(sql: str) -> bool:
    return sql.startswith("SELECT") and any(marker in sql for marker in SEARCH_MARKERS)


def execute_unprepared_searches(execute, sql, params, many, context):
    """A Django execute wrapper (see `connection.execute_wrapper`)."""
    if many or params is None or not is_search(sql):
        return execute(sql, params, many, context)
    # psycopg prepares nothing, nor uses what it prepared, while the
    # threshold is None; the statement still goes through every wrapper.
    psycopg_connection = context["connection"].connection
    threshold = psycopg_connection.prepare_threshold
    psycopg_connection.prepare_threshold = None
    try:
        return execute(sql, params, many, context)
    finally:
        psycopg_connection.prepare_threshold = threshold


def _install(sender, connection, **kwargs):
    if connection.vendor != "postgresql":
        return
    if execute_unprepared_searches not in connection.execute_wrappers:
        connection.execute_wrappers.append(execute_unprepared_searches)


def install() -> None:
    """Called from the tickets app's `ready()`: every new PostgreSQL connection."""
    connection_created.connect(_install, dispatch_uid="tickets.search_plans")
