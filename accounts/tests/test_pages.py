import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD


@pytest.mark.django_db
class TestSignInPage:
    def test_root_sends_a_signed_out_visitor_to_sign_in(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_sign_in_page_renders_in_korean_by_default(self, client):
        response = client.get(reverse("accounts:login"))
        assert response.status_code == 200
        assert 'lang="ko"' in response.content.decode()

    def test_sign_in_with_any_case_email(self, client, requester):
        response = client.post(
            reverse("accounts:login"),
            {"username": "STUDENT1@school.ac.kr", "password": DEFAULT_PASSWORD},
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(requester.pk)

    def test_wrong_password_shows_an_error_and_keeps_the_email(self, client, requester):
        response = client.post(
            reverse("accounts:login"),
            {"username": requester.email, "password": "wrong"},
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert 'role="alert"' in body
        assert f'value="{requester.email}"' in body
        assert "_auth_user_id" not in client.session

    def test_form_is_locked_after_five_failures(self, client, requester):
        for _ in range(5):
            client.post(
                reverse("accounts:login"),
                {"username": requester.email, "password": "x"},
            )
        response = client.post(
            reverse("accounts:login"),
            {"username": requester.email, "password": DEFAULT_PASSWORD},
        )
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "15" in response.content.decode()

    def test_failures_on_the_api_count_for_the_form_too(
        self, client, api_client, requester
    ):
        for _ in range(5):
            api_client.post(
                "/api/auth/login",
                {"email": requester.email, "password": "x"},
                format="json",
            )
        client.post(
            reverse("accounts:login"),
            {"username": requester.email, "password": DEFAULT_PASSWORD},
        )
        assert "_auth_user_id" not in client.session

    def test_sign_out(self, client, requester):
        client.force_login(requester)
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session

    def test_signed_in_user_sees_home(self, client, requester):
        client.force_login(requester)
        response = client.get("/")
        assert response.status_code == 200


@pytest.mark.django_db
class TestAdminAccess:
    @pytest.mark.parametrize(
        ("fixture", "reaches_admin"),
        [("requester", False), ("agent", False), ("admin_user", True)],
    )
    def test_only_admins_reach_the_django_admin(
        self, client, request, fixture, reaches_admin
    ):
        client.force_login(request.getfixturevalue(fixture))
        response = client.get("/admin/")
        assert (response.status_code == 200) is reaches_admin
        if not reaches_admin:
            assert response.status_code == 302

    def test_admin_can_open_the_user_list(self, client, admin_user, requester):
        client.force_login(admin_user)
        response = client.get("/admin/accounts/user/")
        assert response.status_code == 200
        assert requester.email in response.content.decode()

    def test_admin_adds_a_user_without_a_password(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(
            "/admin/accounts/user/add/",
            {
                "email": "New.Person@School.ac.kr",
                "name": "신규",
                "role": "agent",
                "usable_password": "false",
                "password1": "",
                "password2": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        user = User.objects.get(email="new.person@school.ac.kr")
        assert user.role == "agent" and not user.has_usable_password()


def _link_from(message):
    match = re.search(r"http://\S+/accounts/password/reset/\S+/\S+/", message.body)
    assert match, message.body
    return match.group(0)


@pytest.mark.django_db
class TestPasswordLinks:
    def test_reset_by_email_sets_a_new_password(self, client, requester):
        client.post(
            reverse("accounts:password_reset"), {"email": "Student1@School.ac.kr"}
        )
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [requester.email]
        link = _link_from(mail.outbox[0])
        path = link.split("testserver", 1)[1]
        form_page = client.get(path, follow=True)
        assert form_page.status_code == 200
        set_url = form_page.redirect_chain[-1][0]
        done = client.post(
            set_url,
            {
                "new_password1": "a-brand-new-pw-42",
                "new_password2": "a-brand-new-pw-42",
            },
        )
        assert done.status_code == 302
        requester.refresh_from_db()
        assert requester.check_password("a-brand-new-pw-42")

    def test_account_without_password_gets_a_set_password_link(self, client, db):
        User.objects.create_user("synced@school.ac.kr", name="동기화")
        client.post(
            reverse("accounts:password_reset"), {"email": "synced@school.ac.kr"}
        )
        assert len(mail.outbox) == 1

    def test_unknown_email_sends_nothing_and_says_the_same(self, client, db):
        response = client.post(reverse("accounts:password_reset"), {"email": "no@x.kr"})
        assert response.status_code == 302
        assert mail.outbox == []

    def test_admin_action_sends_set_password_links(self, client, admin_user):
        fresh = User.objects.create_user("fresh@school.ac.kr")
        client.force_login(admin_user)
        client.post(
            "/admin/accounts/user/",
            {"action": "send_password_links", "_selected_action": [fresh.pk]},
        )
        assert [m.to for m in mail.outbox] == [["fresh@school.ac.kr"]]
        assert "http://testserver/accounts/password/reset/" in mail.outbox[0].body

    def test_bad_link_shows_a_clear_page(self, client, db):
        response = client.get("/accounts/password/reset/MQ/bad-token/")
        assert response.status_code == 200
        assert 'href="/accounts/password/reset/"' in response.content.decode()
