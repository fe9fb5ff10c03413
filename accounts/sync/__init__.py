"""Directory sync: users from the school's MIS database.

`sync_users_once()` reads every person from the MIS, validates the rows, plans
the changes against our users, and (unless dry) writes them in batches. The
management command `sync_users` is a thin wrapper around it.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection

from .apply import existing_users, plan_apply
from .config import DirectoryConfig, SyncError
from .plan import Change, Plan, Skipped, plan_build
from .source import people_fetch

__all__ = ["Change", "Skipped", "SyncError", "SyncResult", "sync_users_once"]

logger = logging.getLogger(__name__)

# Any fixed number: the key of the PostgreSQL advisory lock one run holds.
LOCK_KEY = 0x5D_5E_C0DE


@dataclass
class SyncResult:
    """What a run did (or, dry, would do)."""

    dry_run: bool
    source_rows: int = 0
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    links_sent: int = 0
    links_failed: int = 0

    @classmethod
    def from_plan(cls, plan: Plan, *, dry_run: bool, source_rows: int) -> "SyncResult":
        return cls(
            dry_run=dry_run,
            source_rows=source_rows,
            created=len(plan.creates),
            updated=len(plan.updates),
            deactivated=len(plan.deactivations),
            unchanged=plan.unchanged,
            skipped=plan.skipped,
            changes=plan.changes,
        )

    def summary(self) -> str:
        """One line with every count: the last line of each run's output."""
        text = (
            f"Directory sync{' (dry run, nothing written)' if self.dry_run else ''}: "
            f"{self.source_rows} MIS rows; created {self.created}, "
            f"updated {self.updated}, deactivated {self.deactivated}, "
            f"unchanged {self.unchanged}, skipped {len(self.skipped)}"
        )
        if self.links_sent or self.links_failed:
            text += f"; set-password links sent {self.links_sent}"
            text += f", failed {self.links_failed}" if self.links_failed else ""
        return text + "."


@contextmanager
def _single_run():
    """Refuse to run beside another sync (cron overlapping a slow run)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise SyncError("Another directory sync is running; try again later.")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _links_send(result: SyncResult) -> None:
    from accounts.models import User
    from accounts.services import password_link_send

    emails = [c.email for c in result.changes if c.action == "create"]
    for user in User.objects.filter(email__in=emails, is_active=True):
        try:
            password_link_send(user=user)
        except Exception:  # noqa: BLE001 - one bad address must not stop the rest
            logger.exception("set-password link to %s failed", user.email)
            result.links_failed += 1
        else:
            result.links_sent += 1


def sync_users_once(
    *, dry_run: bool = False, send_links: bool = False, adopt_manual: bool = False
) -> SyncResult:
    """Bring our users in line with the MIS; return the counts and skipped rows.

    Raises SyncError, having written nothing, when the MIS cannot be read or
    the mapping does not fit it. `adopt_manual` lets the sync take over
    accounts created by hand whose e-mail matches an MIS person.
    """
    config = DirectoryConfig.from_settings()
    raws = people_fetch(config)
    with _single_run():
        existing = existing_users()
        if not raws and any(u.source == "directory" and u.is_active for u in existing):
            raise SyncError(
                "The MIS returned no people; refusing to deactivate every "
                "directory user. Check MIS_USERS_TABLE / MIS_USERS_QUERY."
            )
        plan = plan_build(raws, existing, config, adopt_manual=adopt_manual)
        result = SyncResult.from_plan(plan, dry_run=dry_run, source_rows=len(raws))
        if not dry_run:
            plan_apply(plan, batch_size=config.batch_size)
    if send_links and not dry_run:
        _links_send(result)
    return result
