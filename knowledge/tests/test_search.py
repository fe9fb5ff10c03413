"""Search in the knowledge base: Korean words of two syllables, as on tickets."""

import pytest
from django.db import connection

from knowledge import selectors
from knowledge.models import Article
from knowledge.search import article_search, suggestion_terms

pytestmark = pytest.mark.django_db


def _found(user, q) -> set[str]:
    articles = selectors.article_list(user=user, filters={"q": q})
    return {article.title for article in articles}


@pytest.fixture
def library(make_article):
    make_article(title="포털 비밀번호 재설정", body="계정이 잠기면 30분 뒤 다시 시도")
    make_article(title="학교 메일 Outlook 연결", body="IMAP 서버 설정")
    make_article(title="기숙사 와이파이 끊김", body="AP 재연결 방법")


@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("메일", {"학교 메일 Outlook 연결"}),  # two syllables: the bigrams
        ("계정", {"포털 비밀번호 재설정"}),  # in the body
        ("와이파이", {"기숙사 와이파이 끊김"}),  # trigrams
        ("outlook", {"학교 메일 Outlook 연결"}),  # whatever the case
        ("비밀번호 잠기면", {"포털 비밀번호 재설정"}),  # every word must match
        ("메일 와이파이", set()),
        ("번호", {"포털 비밀번호 재설정"}),  # inside a word
        ("100%", set()),  # wildcards match literally
    ],
)
def test_search_finds_korean_and_english_words(library, requester, q, titles):
    assert _found(requester, q) == titles


def test_a_term_does_not_match_across_title_and_body(make_article, requester):
    make_article(title="프린터", body="고장 신고")
    assert _found(requester, "터고") == set()
    assert _found(requester, "터고장") == set()


def test_the_readers_language_comes_first(make_article, requester):
    from django.utils import translation

    english = make_article(title="Mail setup", body="메일 설정", language="en")
    korean = make_article(title="메일 설정 안내", body="메일", language="ko")
    with translation.override("ko"):
        assert list(selectors.article_list(user=requester)) == [korean, english]
    with translation.override("en"):
        assert list(selectors.article_list(user=requester)) == [english, korean]


@pytest.mark.parametrize(
    ("title", "terms"),
    [
        ("와이파이가 자꾸 끊겨요", ["와이파이", "자꾸", "끊겨"]),
        ("메일이 안 와요!", ["메일", "와요"]),
        ("비밀번호를 잊어버렸어요", ["비밀번호", "잊어버렸어"]),
        ("Outlook에서 메일 오류", ["Outlook에서", "메일", "오류"]),
        ("a b", []),
    ],
)
def test_suggestion_terms_leave_out_korean_particles(title, terms):
    assert suggestion_terms(title) == terms


def test_suggestions_rank_by_words_matched_and_stop_at_five(make_article, requester):
    best = make_article(title="와이파이 끊김 해결", body="기숙사 와이파이")
    for number in range(6):
        make_article(title=f"와이파이 안내 {number}", body="설정")
    found = selectors.article_suggestions(
        user=requester, text="기숙사 와이파이가 끊겨요"
    )
    assert len(found) == 5
    assert found[0] == best


def test_no_suggestions_for_nothing_to_look_for(make_article, requester):
    make_article()
    assert selectors.article_suggestions(user=requester, text=" ? ") == []


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("q", "index"),
    [
        ("와이파이", "article_search_text_trgm_idx"),
        ("outlook", "article_search_text_trgm_idx"),
        ("메일", "article_bigrams_idx"),
    ],
)
def test_postgres_search_uses_the_indexes(make_article, q, index):
    assert connection.vendor == "postgresql", "the suite runs on PostgreSQL"
    for number in range(30):
        make_article(title=f"기타 안내 {number}", body="내용 없음")
    assert index in _plan(article_search(Article.objects.order_by(), q))
