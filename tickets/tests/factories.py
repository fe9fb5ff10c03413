import factory

from tickets.models import Category


class CategoryFactory(factory.django.DjangoModelFactory):
    """Categories by slug; an existing one (from the data migration) is reused."""

    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_ko = factory.Sequence(lambda n: f"분류{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    is_active = True
    sort_order = factory.Sequence(lambda n: 100 + n)
