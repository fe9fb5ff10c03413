"""The data version moves with every write of users, categories and canned replies.

Cached pages and API answers are keyed by the data version (`counters`), so a
write to anything they show must move it, or the next request gets what was
true before. The ticket services move it themselves. Users and categories are
written by many paths: the admin's forms and list editing, `createsuperuser`,
the password forms, the directory sync, the shell. The model signals are the
one place every one of those passes through, so the version moves here rather
than in each path, where the next path added would forget it. STYLE.md's
"never from signals" is about workflows (history, notifications), which must
run once per service call and in plain sight; a cache invalidation is the
opposite case: it must catch every write, whoever makes it.

Never early: `post_save` and `post_delete` come after the row is written,
inside the writer's transaction when there is one (the admin's), so the new
version commits with the data; in autocommit the data has committed already.
Bulk writes send no model signals: the directory sync sends its own
(`users_written`) after each batch.

A user whose role or active flag changed (`user_access_changed`, sent by
`accounts/receivers.py` for every path, the sync's bulk writes included)
loses the tickets they may no longer work, through the ticket service.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.signals import user_access_changed
from accounts.sync.apply import users_written

from .models import CannedReply, Category
from .services import counters, tickets_unassign_lost_access

# A save of only these changes nothing a cached answer shows: signing in
# (`last_login`), a new password hash (Django saves each on its own) and the
# language one reads in (every key holds the viewer's language already).
UNSHOWN_USER_FIELDS = frozenset({"last_login", "password", "language"})


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def user_saved(sender, update_fields=None, **kwargs):
    # A full save may have changed anything (the admin, the password forms).
    if update_fields is None or not update_fields <= UNSHOWN_USER_FIELDS:
        counters.touch()


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=CannedReply)  # listed in the ticket page's reply form
@receiver(post_delete, sender=CannedReply)
@receiver(users_written)
def shown_data_written(sender, **kwargs):
    counters.touch()


@receiver(user_access_changed)
def assigned_tickets_release(sender, user_ids, **kwargs):
    tickets_unassign_lost_access(assignee_ids=user_ids)
