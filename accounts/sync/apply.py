"""Writing a plan: bulk statements, one transaction per batch."""

import secrets
from collections import defaultdict
from itertools import islice

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.dispatch import Signal

from accounts.models import Role, User

from .plan import SYNCED_FIELDS, Change, Existing, Plan

# Sent inside each batch's transaction, after its users are written: bulk
# statements send no `post_save`, and what is cached about users (the ticket
# pages, whose data version tickets/receivers.py moves on it) must still see
# the change on the very next request. Updates and deactivations say which
# users (`user_ids`) and which `fields` they wrote (accounts/receivers.py ends
# the access of users whose role or active flag changed).
users_written = Signal()


def _batches(items: list, size: int):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def existing_users() -> list[Existing]:
    """Every user, as the plan needs them: one query."""
    fields = ["id", *SYNCED_FIELDS]
    return [Existing(**row) for row in User.objects.order_by().values(*fields)]


def _by_fields(changes: list[Change]) -> dict[tuple, list[Change]]:
    """Group updates by the fields they change.

    bulk_update writes a CASE per field, and its cost grows with fields times
    rows, so a batch only carries the fields that actually changed.
    """
    groups = defaultdict(list)
    for change in changes:
        fields = [name for name in SYNCED_FIELDS if name in change.diff]
        if "role" in fields:
            fields += ["is_staff", "is_superuser"]
        groups[tuple(fields)].append(change)
    return groups


def _user(change: Change) -> User:
    admin = change.values["role"] == Role.ADMIN
    return User(
        pk=change.user_id,
        **change.values,
        # bulk writes skip User.save(), which derives these from the role.
        is_staff=admin,
        is_superuser=admin,
    )


def _new_user(change: Change) -> User:
    user = _user(change)
    # No password yet: a set-password link gives them their first one. What
    # make_password(None) stores, from os.urandom: five times faster in bulk.
    user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
    return user


def plan_apply(plan: Plan, *, batch_size: int) -> None:
    """Write the plan; each batch commits on its own, so a long run that fails
    part-way keeps what it did and the next run carries on from there."""
    for fields, changes in _by_fields(plan.updates).items():
        for batch in _batches(changes, batch_size):
            with transaction.atomic():
                User.objects.bulk_update([_user(c) for c in batch], fields)
                users_written.send(
                    sender=User, user_ids=[c.user_id for c in batch], fields=fields
                )
    for batch in _batches(plan.deactivations, batch_size):
        with transaction.atomic():
            # Only the flag: whatever else changed since we looked stays.
            user_ids = [c.user_id for c in batch]
            User.objects.filter(pk__in=user_ids).update(is_active=False)
            users_written.send(sender=User, user_ids=user_ids, fields=["is_active"])
    for batch in _batches(plan.creates, batch_size):
        with transaction.atomic():
            User.objects.bulk_create([_new_user(c) for c in batch])
            users_written.send(sender=User)
