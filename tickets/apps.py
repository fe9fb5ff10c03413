from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from . import search_plans

        search_plans.install()

    def demo_seed(self):
        """Create the default categories (called by `manage.py seed_demo`)."""
        from .services import categories_seed

        for category, created in categories_seed():
            state = "created" if created else "exists"
            yield f"category   {category.slug:<28} {state}"
