"""The one place that notices a user's access change, whoever makes it.

A password change or reset, a deactivation or a role change is made by many
paths: the admin's forms, Django's password views, `set_password` and `save`
in the shell or a command, the directory sync's bulk writes. Like the data
version in `tickets/receivers.py`, what must follow such a change (the user's
API tokens end, their tickets go back to the queue) has to catch every one of
them, so it hangs on the model signals rather than on each path:

- `pre_save` reads the stored password, role and active flag (one query, and
  none for a save of other fields only, such as `last_login` at sign-in);
- `post_save` compares them with what was written and, when they differ,
  sends `user_access_changed` inside the writer's transaction;
- the directory sync's `users_written` says which users a batch wrote and
  which fields, and a batch of roles or active flags sends the same signal.

Receivers of `user_access_changed`: this module (refresh tokens are
blacklisted) and `tickets/receivers.py` (open tickets are unassigned).
Connected in `AccountsConfig.ready()`, so before the tickets app's receivers:
ticket rows are locked before the data version moves, the order every ticket
service keeps.
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .api.tokens import ACCESS_FIELDS, refresh_tokens_blacklist
from .signals import user_access_changed
from .sync.apply import users_written

# The stored values a save is about to overwrite, kept from `pre_save` to
# `post_save` on the instance itself (one save at a time per instance).
STORED_ACCESS = "_stored_access"


def _written_access_fields(update_fields) -> list[str]:
    if update_fields is None:
        return list(ACCESS_FIELDS)
    return [field for field in ACCESS_FIELDS if field in update_fields]


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def access_read_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    vars(instance).pop(STORED_ACCESS, None)  # left by a save that failed
    fields = _written_access_fields(update_fields)
    if raw or instance.pk is None or not fields:
        return
    stored = sender.objects.filter(pk=instance.pk).values(*fields).first()
    if stored is not None:
        setattr(instance, STORED_ACCESS, stored)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def access_compare_after_save(sender, instance, created=False, **kwargs):
    stored = vars(instance).pop(STORED_ACCESS, None)
    if created or not stored:
        return
    if any(getattr(instance, field) != value for field, value in stored.items()):
        user_access_changed.send(sender=sender, user_ids=[instance.pk])


@receiver(users_written)
def access_changed_in_bulk(sender, user_ids=(), fields=(), **kwargs):
    if user_ids and set(ACCESS_FIELDS) & set(fields):
        user_access_changed.send(sender=sender, user_ids=list(user_ids))


@receiver(user_access_changed)
def api_tokens_revoke(sender, user_ids, **kwargs):
    refresh_tokens_blacklist(user_ids=user_ids)
