"""Drafts and internal articles never reach a requester: page, API, suggestions.

One table of readers and article kinds, asked of every door an article goes
out of; staff see them all.
"""

import pytest
from django.test import Client
from django.urls import reverse

from knowledge.models import Article

pytestmark = pytest.mark.django_db

HIDDEN = ("draft", "internal")


def _page_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_visible_to_gives_requesters_public_articles_and_staff_all(
    articles, requester, agent, admin_user
):
    ids = {kind: article.pk for kind, article in articles.items()}
    assert set(Article.objects.visible_to(requester).values_list("pk", flat=True)) == {
        ids["published"]
    }
    for staff in (agent, admin_user):
        assert set(
            Article.objects.visible_to(staff).values_list("pk", flat=True)
        ) == set(ids.values())


def test_inactive_and_anonymous_readers_see_nothing(articles, requester):
    from django.contrib.auth.models import AnonymousUser

    requester.is_active = False
    assert not Article.objects.visible_to(requester).exists()
    assert not Article.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize("q", ["", "메일", "메일 서버", "관리자", "초안"])
def test_requester_lists_and_searches_never_show_hidden_articles(
    articles, requester, as_user, q
):
    page = _page_client(requester).get(reverse("knowledge:list"), {"q": q})
    api = as_user(requester).get("/api/kb/articles", {"q": q})
    suggest = as_user(requester).get("/api/kb/articles/suggest", {"q": q or "메일"})
    assert page.status_code == api.status_code == suggest.status_code == 200
    shown = page.content.decode() + api.content.decode() + suggest.content.decode()
    for kind in HIDDEN:
        assert articles[kind].title not in shown
    for kind in HIDDEN:
        assert articles[kind].body not in shown


@pytest.mark.parametrize("kind", HIDDEN)
def test_requester_gets_404_for_a_hidden_article(articles, requester, as_user, kind):
    article = articles[kind]
    assert _page_client(requester).get(article.get_absolute_url()).status_code == 404
    assert as_user(requester).get(f"/api/kb/articles/{article.pk}").status_code == 404
    deflect = as_user(requester).post(f"/api/kb/articles/{article.pk}/deflect")
    assert deflect.status_code == 404


def test_staff_see_hidden_articles_everywhere(articles, agent, as_user):
    page = _page_client(agent).get(reverse("knowledge:list"), {"q": "메일"})
    api = as_user(agent).get("/api/kb/articles", {"q": "메일"}).json()
    suggest = as_user(agent).get("/api/kb/articles/suggest", {"q": "메일"}).json()
    for kind in HIDDEN:
        assert articles[kind].title in page.content.decode()
        assert articles[kind].pk in {row["id"] for row in api["results"]}
        assert articles[kind].pk in {row["id"] for row in suggest["results"]}
        detail = _page_client(agent).get(articles[kind].get_absolute_url())
        assert detail.status_code == 200
    assert "초안" in page.content.decode() and "내부용" in page.content.decode()


def test_the_link_picker_asks_for_public_articles_only(articles, agent, as_user):
    rows = as_user(agent).get("/api/kb/articles", {"public": "true"}).json()
    assert [row["id"] for row in rows["results"]] == [articles["published"].pk]
