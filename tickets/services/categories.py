"""The default categories, for the data migration's twin: `manage.py seed_demo`."""

from django.db import transaction

from ..models import Category

DEFAULT_CATEGORIES = (
    ("network", "네트워크", "Network"),
    ("account", "계정", "Accounts"),
    ("hardware", "하드웨어", "Hardware"),
    ("software", "소프트웨어", "Software"),
    ("email", "이메일", "E-mail"),
    ("printing", "인쇄", "Printing"),
    ("classroom", "강의실 기자재", "Classroom equipment"),
    ("other", "기타", "Other"),
)


@transaction.atomic
def categories_seed() -> list[tuple[Category, bool]]:
    """Create the default categories that are missing; existing ones are kept."""
    results = []
    for position, (slug, name_ko, name_en) in enumerate(DEFAULT_CATEGORIES, start=1):
        category, created = Category.objects.get_or_create(
            slug=slug,
            defaults={"name_ko": name_ko, "name_en": name_en, "sort_order": position},
        )
        results.append((category, created))
    return results
