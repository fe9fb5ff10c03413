from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")

    def demo_seed(self):
        """A few demo articles in Korean (`manage.py seed_demo`)."""
        from .demo import demo_articles_seed

        yield from demo_articles_seed()
