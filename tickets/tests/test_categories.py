"""Default categories: data migration, demo seed, names in both languages."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import translation

from tickets import services
from tickets.models import Category

pytestmark = pytest.mark.django_db

DEFAULT_SLUGS = [
    "network",
    "account",
    "hardware",
    "software",
    "email",
    "printing",
    "classroom",
    "other",
]


def test_demo_seed_creates_the_defaults_once():
    Category.objects.filter(slug__in=DEFAULT_SLUGS).delete()
    lines = list(apps.get_app_config("tickets").demo_seed())
    assert len(lines) == 8 and all("created" in line for line in lines)
    assert list(Category.objects.values_list("slug", flat=True)) == DEFAULT_SLUGS
    again = list(apps.get_app_config("tickets").demo_seed())
    assert all("exists" in line for line in again)
    assert Category.objects.count() == 8


def test_seed_demo_command_includes_categories():
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "network" in out.getvalue()
    assert set(DEFAULT_SLUGS) <= set(Category.objects.values_list("slug", flat=True))


def test_seed_keeps_admin_edits():
    Category.objects.update_or_create(slug="network", defaults={"name_ko": "망"})
    services.categories_seed()
    assert Category.objects.get(slug="network").name_ko == "망"


def test_the_data_migration_matches_the_seed_list():
    import importlib

    migration = importlib.import_module("tickets.migrations.0002_default_categories")
    assert migration.CATEGORIES == services.DEFAULT_CATEGORIES


def test_name_follows_the_active_language():
    services.categories_seed()
    category = Category.objects.get(slug="email")
    with translation.override("ko"):
        assert category.name == "이메일"
    with translation.override("en"):
        assert category.name == "E-mail"


def test_api_category_name_follows_the_chosen_language(as_user, requester, settings):
    services.categories_seed()
    payload = {"title": "메일 오류", "category": "email"}
    korean = as_user(requester).post("/api/tickets", payload, format="json")
    client = as_user(requester)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post("/api/tickets", payload, format="json")
    assert english.json()["category"] == {"slug": "email", "name": "E-mail"}
    assert korean.json()["category"] == {"slug": "email", "name": "이메일"}
