"""403, 404, 500/503 and CSRF failure pages in the site's layout and language."""

import json

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.utils import translation

from accounts.models import Language
from servicedesk import views

pytestmark = pytest.mark.django_db

LAYOUT = '<header class="topbar">'


def test_requester_opening_the_queue_gets_the_korean_403_page(client, requester):
    client.force_login(requester)

    response = client.get("/queue/")

    assert response.status_code == 403
    page = response.content.decode()
    assert LAYOUT in page and '<html lang="ko">' in page
    assert "이 페이지를 열 수 없습니다" in page
    # The view's own reason, in Korean, not Django's bare "403 Forbidden".
    with translation.override("ko"):
        assert translation.gettext("This page is for IT staff.") in page
    assert "Forbidden" not in page
    # The header still shows who is signed in.
    assert requester.name in page


def test_403_page_speaks_english_to_an_english_reader(client, requester):
    requester.language = Language.ENGLISH
    requester.save()
    client.force_login(requester)

    page = client.get("/queue/").content.decode()

    assert '<html lang="en">' in page and LAYOUT in page
    assert "You cannot open this page" in page
    assert "This page is for IT staff." in page


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ko", "페이지를 찾을 수 없습니다"), ("en", "Page not found")],
)
def test_404_page_in_the_layout_and_the_readers_language(
    client, requester, language, heading
):
    requester.language = language
    requester.save()
    client.force_login(requester)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert LAYOUT in page and f'<html lang="{language}">' in page
    assert heading in page
    assert "Not Found" not in page


def test_404_page_for_a_signed_out_visitor_follows_the_language_cookie(client):
    client.cookies["django_language"] = "en"

    page = client.get("/no-such-page/").content.decode()

    assert "Page not found" in page and LAYOUT in page


def test_api_404_stays_json(client):
    response = client.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["detail"]


def _handle(error, path="/"):
    request = RequestFactory().get(path)
    try:
        raise error
    except type(error):
        return views.server_error(request)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_500_page_renders_in_the_layout_without_a_query(
    django_assert_num_queries, language
):
    with translation.override(language), django_assert_num_queries(0):
        response = _handle(ZeroDivisionError("a bug"))
        page = response.content.decode()

    assert response.status_code == 500
    assert LAYOUT in page and f'<html lang="{language}">' in page
    expected = {"ko": "문제가 생겼습니다", "en": "Something went wrong"}[language]
    assert expected in page
    # Nobody is signed in as far as an empty context knows: no user links.
    assert "/notifications/" not in page


def test_503_page_for_a_lost_database_is_a_template_without_a_query(
    django_assert_num_queries,
):
    with translation.override("ko"), django_assert_num_queries(0):
        response = _handle(OperationalError("connection refused"))
        page = response.content.decode()

    assert response.status_code == 503
    assert response["Retry-After"] == str(views.RETRY_AFTER_SECONDS)
    assert LAYOUT in page and '<html lang="ko">' in page
    assert "서비스를 잠시 사용할 수 없습니다" in page
    with translation.override("ko"):
        message = translation.gettext(
            "The service is briefly unavailable. Please try again in a moment."
        )
    assert message in page


def test_503_under_the_api_stays_json(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = _handle(OperationalError("connection refused"), path="/api/me")

    assert response.status_code == 503
    assert json.loads(response.content)["detail"]


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ko", "양식을 보내지 못했습니다"), ("en", "The form could not be sent")],
)
def test_csrf_failure_page_in_the_layout_and_language(requester, language, heading):
    requester.language = language
    requester.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(requester)

    response = client.post("/accounts/settings/", {"language": "en"})

    assert response.status_code == 403
    page = response.content.decode()
    assert LAYOUT in page and heading in page
    assert requester.name in page
    requester.refresh_from_db()
    assert requester.language == language  # refused: nothing changed


def test_favicon_ico_answers_with_the_site_icon(client):
    response = client.get("/favicon.ico", follow=True)

    assert response.redirect_chain[0][0].endswith("favicon.svg")
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)
