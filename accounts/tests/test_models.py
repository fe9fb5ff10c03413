import pytest
from django.db import IntegrityError

from accounts.models import Role, User
from accounts.tests.factories import UserFactory


@pytest.mark.django_db
class TestUserModel:
    def test_create_user_needs_only_an_email(self):
        user = User.objects.create_user("Someone@Example.AC.KR")
        assert user.email == "someone@example.ac.kr"
        assert user.role == Role.REQUESTER
        assert not user.has_usable_password()
        assert user.name == ""

    def test_email_is_unique_whatever_its_case(self):
        User.objects.create_user("kim@school.ac.kr")
        with pytest.raises(IntegrityError):
            User.objects.create_user("KIM@school.ac.kr")

    def test_case_insensitive_constraint_holds_even_when_save_is_bypassed(self):
        User.objects.create_user("lee@school.ac.kr")
        with pytest.raises(IntegrityError):
            User.objects.bulk_create([User(email="LEE@school.ac.kr")])

    @pytest.mark.parametrize(
        ("role", "is_staff"),
        [(Role.REQUESTER, False), (Role.AGENT, False), (Role.ADMIN, True)],
    )
    def test_is_staff_follows_role(self, role, is_staff):
        user = UserFactory(role=role)
        user.refresh_from_db()
        assert user.is_staff is is_staff
        assert user.is_superuser is is_staff

    def test_role_change_with_update_fields_updates_staff_flag(self):
        user = UserFactory(role=Role.AGENT)
        user.role = Role.ADMIN
        user.save(update_fields=["role"])
        user.refresh_from_db()
        assert user.is_staff

    def test_demoting_an_admin_removes_admin_site_access(self):
        user = UserFactory(role=Role.ADMIN)
        user.role = Role.AGENT
        user.save()
        user.refresh_from_db()
        assert not user.is_staff and not user.is_superuser

    def test_create_superuser_makes_an_admin(self):
        user = User.objects.create_superuser("Boss@School.ac.kr", "pw-long-enough-1")
        assert user.role == Role.ADMIN and user.is_staff and user.is_superuser
        assert user.check_password("pw-long-enough-1")

    def test_staff_queryset_lists_active_agents_and_admins(self):
        agent = UserFactory(role=Role.AGENT)
        admin = UserFactory(role=Role.ADMIN)
        UserFactory(role=Role.AGENT, is_active=False)
        UserFactory(role=Role.REQUESTER)
        assert set(User.objects.staff()) == {agent, admin}


@pytest.mark.django_db
def test_createsuperuser_command_works_with_an_email(monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "very-secret-admin-pw-7")
    call_command(
        "createsuperuser", "--noinput", "--email", "Root@School.ac.kr", verbosity=0
    )
    user = User.objects.get(email="root@school.ac.kr")
    assert user.role == Role.ADMIN and user.is_staff
