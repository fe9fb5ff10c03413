"""Reading people from the MIS database (PostgreSQL, through psycopg 3)."""

from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from .config import COLUMN_SETTINGS, DirectoryConfig, SyncError

# Rows fetched per round trip from the server-side cursor.
FETCH_SIZE = 2000


def redacted_url(url: str) -> str:
    """The URL without its password, fit for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _select(config: DirectoryConfig) -> sql.Composable:
    if config.query:
        return sql.SQL(config.query)
    columns = sql.SQL(", ").join(
        sql.Identifier(column) for column in config.columns.mapped().values()
    )
    table = sql.Identifier(*config.table.split("."))
    # A stable order keeps row numbers in reports meaningful from run to run.
    order = sql.Identifier(config.columns.external_id or config.columns.email)
    return sql.SQL("SELECT {} FROM {} ORDER BY {}").format(columns, table, order)


def _check_columns(config: DirectoryConfig, found: list[str]) -> None:
    for field, column in config.columns.mapped().items():
        if column not in found:
            raise SyncError(
                f"The MIS query has no column {column!r} "
                f"({COLUMN_SETTINGS[field]}); it has: {', '.join(found)}."
            )


def people_fetch(config: DirectoryConfig) -> list[dict]:
    """Every row of the MIS query, as {field: value} dicts, in source order.

    Reads inside one read-only transaction, so the rows are one consistent
    snapshot. Raises SyncError when the database cannot be reached or the
    query or mapping does not fit it.
    """
    where = redacted_url(config.database_url)
    try:
        connection = psycopg.connect(
            config.database_url, connect_timeout=config.connect_timeout
        )
    except psycopg.Error as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else exc
        raise SyncError(
            f"The MIS database is unreachable ({where}): {message}"
        ) from exc
    with connection:
        connection.read_only = True
        try:
            with connection.cursor(name="servicedesk_directory_sync") as cursor:
                cursor.itersize = FETCH_SIZE
                cursor.execute(_select(config))
                found = [column.name for column in cursor.description or []]
                _check_columns(config, found)
                rows = cursor.fetchall()
        except psycopg.Error as exc:
            raise SyncError(
                f"The MIS query failed ({where}); check MIS_USERS_TABLE, "
                f"MIS_USERS_QUERY and MIS_COLUMN_*: {str(exc).strip()}"
            ) from exc
    index = {
        field: found.index(column) for field, column in config.columns.mapped().items()
    }
    return [{field: row[i] for field, i in index.items()} for row in rows]
