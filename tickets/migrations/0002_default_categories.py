"""The default categories exist in every database (admins may edit them later)."""

from django.db import migrations

# A frozen copy: the list in tickets.services may change, this migration may not.
CATEGORIES = (
    ("network", "네트워크", "Network"),
    ("account", "계정", "Accounts"),
    ("hardware", "하드웨어", "Hardware"),
    ("software", "소프트웨어", "Software"),
    ("email", "이메일", "E-mail"),
    ("printing", "인쇄", "Printing"),
    ("classroom", "강의실 기자재", "Classroom equipment"),
    ("other", "기타", "Other"),
)


def create_categories(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    for position, (slug, name_ko, name_en) in enumerate(CATEGORIES, start=1):
        Category.objects.using(schema_editor.connection.alias).get_or_create(
            slug=slug,
            defaults={"name_ko": name_ko, "name_en": name_en, "sort_order": position},
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [
        # Reversing keeps the rows: tickets may already point at them.
        migrations.RunPython(create_categories, migrations.RunPython.noop),
    ]
