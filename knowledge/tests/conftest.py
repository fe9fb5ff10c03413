"""Fixtures for the knowledge base tests. Articles are made through the service."""

import pytest

from knowledge import services
from knowledge.models import Article, ArticleStatus
from tickets.tests.factories import CategoryFactory


@pytest.fixture
def network(db):
    return CategoryFactory(slug="network", name_ko="네트워크", name_en="Network")


@pytest.fixture
def make_article(agent, network):
    def _make(*, by=None, **fields):
        fields.setdefault("title", "와이파이 연결 안내")
        fields.setdefault("body", "기숙사 와이파이 설정 방법입니다.")
        fields.setdefault("category", network)
        fields.setdefault("status", ArticleStatus.PUBLISHED)
        return services.article_save(article=Article(**fields), by=by or agent)

    return _make


@pytest.fixture
def articles(make_article):
    """One article of each kind a requester must or must not see."""
    return {
        "published": make_article(
            title="메일 비밀번호 변경", body="포털에서 바꿉니다."
        ),
        "draft": make_article(
            title="메일 서버 이전 (초안)",
            body="작성 중",
            status=ArticleStatus.DRAFT,
        ),
        "internal": make_article(
            title="메일 서버 재시작 절차", body="관리자 전용 메모", internal=True
        ),
    }
