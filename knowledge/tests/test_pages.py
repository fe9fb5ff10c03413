"""The knowledge base pages, and its pieces on the ticket pages."""

import pytest
from django.test import Client
from django.urls import reverse

from knowledge.models import Deflection

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_sign_in(articles):
    for url in (reverse("knowledge:list"), articles["published"].get_absolute_url()):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_list_searches_in_korean(make_article, requester):
    make_article(title="학교 메일 연결", body="IMAP")
    make_article(title="프린터 용지 걸림", body="덮개")
    page = _client(requester).get(reverse("knowledge:list"), {"q": "메일"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "학교 메일 연결" in text and "프린터 용지 걸림" not in text
    assert 'aria-current="page">도움말</a>' in text  # the header link


def test_a_bad_filter_shows_an_error_not_a_500(make_article, requester):
    page = _client(requester).get(reverse("knowledge:list"), {"language": "fr"})
    assert page.status_code == 200
    assert 'class="alert error"' in page.content.decode()


def test_the_article_page_shows_sanitised_html(make_article, requester):
    article = make_article(
        title="안내",
        body='**굵게** <script>alert(1)</script> <a href="javascript:x()" onclick="y()">링크</a>',
    )
    text = _client(requester).get(article.get_absolute_url()).content.decode()
    assert "<strong>굵게</strong>" in text
    assert (
        "alert(1)" not in text and "javascript:" not in text and "onclick" not in text
    )


def test_a_requester_says_an_article_solved_it_without_javascript(articles, requester):
    article = articles["published"]
    client = _client(requester)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "이 글로 해결됐어요" in page
    url = reverse("knowledge:deflect", args=[article.pk])
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == article.get_absolute_url()
    assert "알려 주셔서 감사합니다" in response.content.decode()
    client.post(url)  # the double click
    assert Deflection.objects.filter(article=article).count() == 1


def test_staff_see_counts_and_the_link_but_no_solved_button(articles, requester, agent):
    article = articles["published"]
    Deflection.objects.create(article=article, user=requester, day="2026-11-30")
    page = _client(agent).get(article.get_absolute_url()).content.decode()
    assert "이 글로 해결됐어요" not in page
    assert "<dd>1</dd>" in page
    assert f"/kb/{article.pk}/</code>" in page
    assert (
        _client(agent).post(reverse("knowledge:deflect", args=[article.pk])).status_code
        == 403
    )


def test_the_new_ticket_form_carries_the_suggestions(requester, agent):
    form = _client(requester).get(reverse("tickets:create")).content.decode()
    assert "data-kb-suggest" in form and "kb-suggest.js" in form
    assert "data-deflect-url" in form
    # Staff opening a ticket for someone get suggestions, not the solved button.
    staff_form = (
        _client(agent).get(reverse("tickets:create_on_behalf")).content.decode()
    )
    assert "data-kb-suggest" in staff_form and "data-deflect-url" not in staff_form


def test_the_reply_form_offers_the_link_picker_to_staff_only(requester, agent, network):
    from tickets import services as ticket_services

    ticket = ticket_services.ticket_create(
        by=requester, title="메일 오류", category=network
    )
    staff_page = _client(agent).get(reverse("tickets:detail", args=[ticket.pk]))
    own_page = _client(requester).get(reverse("tickets:detail", args=[ticket.pk]))
    assert "data-kb-picker" in staff_page.content.decode()
    assert "문서 링크" in staff_page.content.decode()
    assert "data-kb-picker" not in own_page.content.decode()


def test_an_admin_edit_renders_the_body_again(make_article, admin_user):
    article = make_article(body="옛 본문")
    client = _client(admin_user)
    url = reverse("admin:knowledge_article_change", args=[article.pk])
    assert "<p>옛 본문</p>" in client.get(url).content.decode()  # the preview
    response = client.post(
        url,
        {
            "title": article.title,
            "language": "ko",
            "category": article.category_id,
            "status": "published",
            "body": "## 새 본문\n\n<img src=x onerror=alert(1)>",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.body_html.startswith("<h2>새 본문</h2>")
    assert "onerror" not in article.body_html
    assert "본문" in article.search_bigrams.split()
    assert "옛본" not in article.search_bigrams


def test_an_admin_adds_an_article_and_becomes_its_author(admin_user, network):
    from knowledge.models import Article

    response = _client(admin_user).post(
        reverse("admin:knowledge_article_add"),
        {"title": "새 문서", "language": "ko", "status": "draft", "body": "*본문*"},
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.author == admin_user
    assert article.body_html == "<p><em>본문</em></p>\n"
