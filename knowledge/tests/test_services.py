"""Saving articles (rendering, search pieces) and counting deflections."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knowledge import services
from knowledge.models import Article, ArticleStatus, Deflection

pytestmark = pytest.mark.django_db


def test_saving_renders_the_body_and_keeps_the_search_pieces(make_article, agent):
    article = make_article(title="메일 설정", body="**IMAP** <script>x()</script>")
    assert article.body_html == "<p><strong>IMAP</strong> </p>\n"
    assert {"메일", "설정", "IM", "AP"} <= set(article.search_bigrams.split())
    assert article.author == agent

    article.body = "새 본문"
    services.article_save(article=article, by=agent)
    article.refresh_from_db()
    assert article.body_html == "<p>새 본문</p>\n"
    assert "본문" in article.search_bigrams.split()
    assert "IM" not in article.search_bigrams.split()


def test_a_bad_article_is_refused_and_nothing_is_saved(agent):
    with pytest.raises(ValidationError) as error:
        services.article_save(
            article=Article(title="", body="본문", language="fr"), by=agent
        )
    assert {"title", "language"} <= set(error.value.message_dict)
    assert not Article.objects.exists()


def test_a_deflection_counts_once_a_reader_and_day(articles, requester):
    article = articles["published"]
    assert services.deflection_record(article=article, by=requester) is True
    assert services.deflection_record(article=article, by=requester) is False
    assert Deflection.objects.filter(article=article).count() == 1


def test_staff_deflections_are_not_counted(articles, agent):
    with pytest.raises(PermissionDenied):
        services.deflection_record(article=articles["published"], by=agent)
    assert not Deflection.objects.exists()


@pytest.mark.parametrize("kind", ["draft", "internal"])
def test_only_public_articles_count_deflections(articles, requester, kind):
    with pytest.raises(PermissionDenied):
        services.deflection_record(article=articles[kind], by=requester)


def test_render_all_updates_articles_rendered_by_older_rules(make_article):
    article = make_article(body="*새 규칙*")
    Article.objects.filter(pk=article.pk).update(body_html="<p>옛 HTML</p>")
    assert services.article_render_all() == 1
    article.refresh_from_db()
    assert article.body_html == "<p><em>새 규칙</em></p>\n"
    assert services.article_render_all() == 0


def test_published_articles_are_public_unless_internal(make_article):
    assert make_article().is_public
    assert not make_article(status=ArticleStatus.DRAFT).is_public
    assert not make_article(internal=True).is_public
