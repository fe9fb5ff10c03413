from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        # Connects the receivers that move the data version when users or
        # categories change (cached answers show them).
        from . import receivers  # noqa: F401

    def demo_seed(self):
        """The default categories and a few demo tickets (`manage.py seed_demo`)."""
        from .demo import demo_tickets_seed
        from .services import categories_seed

        for category, created in categories_seed():
            state = "created" if created else "exists"
            yield f"category   {category.slug:<28} {state}"
        yield from demo_tickets_seed()
