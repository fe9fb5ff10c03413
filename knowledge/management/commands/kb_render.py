"""Render every article's Markdown again (after the sanitiser's rules change)."""

from django.core.management.base import BaseCommand

from knowledge.services import article_render_all


class Command(BaseCommand):
    help = (
        "Render every knowledge base article's Markdown body again into its "
        "stored HTML. Run after upgrading markdown-it-py or nh3, or changing the "
        "allow-list in knowledge/markdown.py."
    )

    def handle(self, *args, **options):
        changed = article_render_all()
        self.stdout.write(f"{changed} article(s) rendered differently and saved.")
