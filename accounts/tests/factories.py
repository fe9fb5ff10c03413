import factory

from accounts.models import Role, User

DEFAULT_PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@school.ac.kr")
    name = factory.Sequence(lambda n: f"사용자{n}")
    department = "컴퓨터공학과"
    role = Role.REQUESTER
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AgentFactory(UserFactory):
    role = Role.AGENT
    department = "전산팀"


class AdminFactory(UserFactory):
    role = Role.ADMIN
    department = "전산팀"
