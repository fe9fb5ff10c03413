"""Create the demo accounts and the default categories. Safe to run again."""

from django.core.management.base import BaseCommand

from accounts.services import demo_accounts_seed


class Command(BaseCommand):
    help = "Create the demo requester, agent and admin and the default categories."

    def handle(self, *args, **options):
        for user, created in demo_accounts_seed():
            state = "created" if created else "exists"
            self.stdout.write(f"{user.role:<10} {user.email:<28} {state}")
        for hook in _extra_seeds():
            for line in hook():
                self.stdout.write(line)


def _extra_seeds():
    """Seeds other apps contribute (the tickets app adds its categories)."""
    from django.apps import apps

    for config in apps.get_app_configs():
        hook = getattr(config, "demo_seed", None)
        if callable(hook):
            yield hook
