"""The directory sync's settings, read and checked once per run."""

from dataclasses import dataclass

from django.conf import settings


class SyncError(Exception):
    """The sync cannot run: source unreachable, mapping wrong, bad settings.

    Raised before anything is written, so a failed run changes nothing.
    """


@dataclass(frozen=True)
class ColumnMap:
    """Source column names for each user field ("" = not in the source)."""

    email: str
    external_id: str
    name: str
    department: str
    person_type: str
    active: str

    def mapped(self) -> dict[str, str]:
        """Field -> source column, for the fields that are mapped."""
        return {field: column for field, column in vars(self).items() if column}


# Which setting names each field's column, for error messages.
COLUMN_SETTINGS = {
    "email": "MIS_COLUMN_EMAIL",
    "external_id": "MIS_COLUMN_EXTERNAL_ID",
    "name": "MIS_COLUMN_NAME",
    "department": "MIS_COLUMN_DEPARTMENT",
    "person_type": "MIS_COLUMN_PERSON_TYPE",
    "active": "MIS_COLUMN_ACTIVE",
}


def _lower_set(values) -> frozenset[str]:
    return frozenset(str(v).strip().lower() for v in values if str(v).strip())


@dataclass(frozen=True)
class DirectoryConfig:
    database_url: str
    table: str
    query: str
    columns: ColumnMap
    requester_types: frozenset[str]
    agent_types: frozenset[str]
    agent_emails: frozenset[str]
    agent_external_ids: frozenset[str]
    active_values: frozenset[str]
    batch_size: int
    connect_timeout: int

    @classmethod
    def from_settings(cls) -> "DirectoryConfig":
        """Build the configuration from Django settings; SyncError if unusable."""
        config = cls(
            database_url=settings.MIS_DATABASE_URL.strip(),
            table=settings.MIS_USERS_TABLE.strip(),
            query=settings.MIS_USERS_QUERY.strip(),
            columns=ColumnMap(
                **{
                    field: getattr(settings, name).strip()
                    for field, name in COLUMN_SETTINGS.items()
                }
            ),
            requester_types=_lower_set(settings.MIS_REQUESTER_TYPES),
            agent_types=_lower_set(settings.MIS_AGENT_TYPES),
            agent_emails=_lower_set(settings.MIS_AGENT_EMAILS),
            agent_external_ids=frozenset(
                str(v).strip()
                for v in settings.MIS_AGENT_EXTERNAL_IDS
                if str(v).strip()
            ),
            active_values=_lower_set(settings.MIS_ACTIVE_VALUES),
            batch_size=settings.MIS_SYNC_BATCH_SIZE,
            connect_timeout=settings.MIS_CONNECT_TIMEOUT,
        )
        config.check()
        return config

    def check(self) -> None:
        if not self.database_url:
            raise SyncError(
                "MIS_DATABASE_URL is not set: there is no directory to sync."
            )
        if not self.query and not self.table:
            raise SyncError("Set MIS_USERS_TABLE or MIS_USERS_QUERY.")
        if not self.columns.email:
            raise SyncError("MIS_COLUMN_EMAIL is empty: the e-mail column is required.")
        if self.batch_size < 1:
            raise SyncError("MIS_SYNC_BATCH_SIZE must be at least 1.")
        if not (self.requester_types or self.agent_types) and self.columns.person_type:
            raise SyncError(
                "MIS_REQUESTER_TYPES and MIS_AGENT_TYPES are both empty: "
                "every person would be skipped."
            )
