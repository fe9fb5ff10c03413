"""Signals the accounts app sends for other apps to act on."""

from django.dispatch import Signal

# Sent (with `user_ids`) inside the writer's transaction when the password, the
# role or the active flag of existing users changed: whatever those users held
# (API tokens, assigned tickets) may no longer be theirs. `accounts.receivers`
# is the one place that notices such a change, whoever makes it.
user_access_changed = Signal()
