"""`manage.py seed_demo` adds Korean demo articles, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.services import DEMO_ACCOUNTS
from knowledge import selectors
from knowledge.demo import DEMO_ARTICLES
from knowledge.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local_uploads(settings, tmp_path):
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_adds_the_articles_once_rendered_and_searchable():
    first = seed()
    assert Article.objects.count() == len(DEMO_ARTICLES)
    assert first.count(" created\n") >= len(DEMO_ARTICLES)
    assert all(article.body_html for article in Article.objects.all())
    assert Article.objects.filter(status="draft").exists()
    assert Article.objects.filter(internal=True).exists()

    second = seed()
    assert Article.objects.count() == len(DEMO_ARTICLES)
    assert "기숙사 와이파이가 자주 끊길 때 exists" in second

    requester = User.objects.get(email=DEMO_ACCOUNTS[0].email)
    found = selectors.article_list(user=requester, filters={"q": "메일"})
    assert {article.title for article in found} == {
        "학교 메일을 Outlook에 연결하기",
        "포털 비밀번호 재설정 방법",
    }
    visible = selectors.article_list(user=requester)
    assert len(visible) == len(DEMO_ARTICLES) - 2  # not the draft nor the internal
