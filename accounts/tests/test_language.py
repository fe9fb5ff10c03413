"""The language is saved on the user: header switch, settings page, PATCH /api/me."""

import pytest
from django.conf import settings

from accounts.models import Language
from accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_header_switch_saves_the_language_on_a_signed_in_user(client, requester):
    client.force_login(requester)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tickets/"})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"
    requester.refresh_from_db()
    assert requester.language == Language.ENGLISH


def test_header_switch_for_a_signed_out_visitor_sets_only_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"


def test_header_switch_ignores_an_unknown_language(client, requester):
    client.force_login(requester)

    client.post("/i18n/setlang/", {"language": "fr"})

    requester.refresh_from_db()
    assert requester.language == Language.KOREAN


def test_api_me_reports_the_language_chosen_with_the_switch(client, requester, as_user):
    client.force_login(requester)
    client.post("/i18n/setlang/", {"language": "en"})

    assert as_user(requester).get("/api/me").json()["language"] == "en"


def test_patch_api_me_changes_the_language(as_user, requester):
    api = as_user(requester)

    response = api.patch("/api/me", {"language": "en"}, format="json")

    assert response.status_code == 200
    assert response.json()["language"] == "en"
    requester.refresh_from_db()
    assert requester.language == Language.ENGLISH


@pytest.mark.parametrize("body", [{"language": "fr"}, {"language": ""}, {}])
def test_patch_api_me_refuses_a_bad_language_with_400(as_user, requester, body):
    response = as_user(requester).patch("/api/me", body, format="json")

    assert response.status_code == 400
    assert "language" in response.json()
    requester.refresh_from_db()
    assert requester.language == Language.KOREAN


def test_patch_api_me_needs_credentials(api_client):
    assert api_client.patch("/api/me", {"language": "en"}).status_code == 401


def test_settings_page_saves_the_language_and_answers_in_it(client, requester):
    client.force_login(requester)
    page = client.get("/accounts/settings/").content.decode()
    assert "설정" in page and 'value="ko"' in page

    response = client.post("/accounts/settings/", {"language": "en"}, follow=True)

    requester.refresh_from_db()
    assert requester.language == Language.ENGLISH
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Your settings are saved." in page
    assert client.cookies[COOKIE].value == "en"


def test_settings_page_refuses_an_unknown_language(client, requester):
    client.force_login(requester)

    response = client.post("/accounts/settings/", {"language": "fr"})

    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    requester.refresh_from_db()
    assert requester.language == Language.KOREAN


def test_settings_page_needs_a_signed_in_user(client):
    response = client.get("/accounts/settings/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_pages_follow_the_saved_language_over_a_stale_cookie(client, requester):
    # Chosen on another device (or through the API): the user's choice wins.
    requester.language = Language.ENGLISH
    requester.save()
    client.force_login(requester)
    client.cookies[COOKIE] = "ko"

    response = client.get("/tickets/")

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_signing_in_keeps_the_language_the_sign_in_page_was_read_in(client, requester):
    client.cookies[COOKIE] = "en"

    client.post(
        "/accounts/login/",
        {"username": requester.email, "password": DEFAULT_PASSWORD},
    )

    requester.refresh_from_db()
    assert requester.language == Language.ENGLISH


def test_the_header_names_the_user_and_links_to_their_settings(client, requester):
    client.force_login(requester)
    page = client.get("/accounts/settings/").content.decode()
    header = page.split("</header>", 1)[0]
    assert (
        f'<a href="/accounts/settings/" class="who" title="설정" aria-current="page">'
        f"{requester.get_short_name()}</a>"
    ) in header
