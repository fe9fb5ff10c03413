"""Demo articles for `manage.py seed_demo`, in Korean; running it again adds nothing."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from accounts.roles import is_staff_member
from accounts.services import DEMO_ACCOUNTS
from tickets.models import Category

from . import services
from .models import Article, ArticleStatus


@dataclass(frozen=True)
class DemoArticle:
    title: str
    category: str
    body: str
    status: str = ArticleStatus.PUBLISHED
    internal: bool = False


DEMO_ARTICLES = (
    DemoArticle(
        "기숙사 와이파이가 자주 끊길 때",
        "network",
        "기숙사에서 와이파이 연결이 자주 끊기면 다음을 확인해 주세요.\n\n"
        "1. **campus-wifi**를 삭제한 뒤 다시 연결합니다.\n"
        "2. 노트북의 절전 모드에서 무선 어댑터 절전을 끕니다.\n"
        "3. 그래도 끊기면 방 번호와 시간대를 적어 티켓을 열어 주세요.\n",
    ),
    DemoArticle(
        "포털 비밀번호 재설정 방법",
        "account",
        "포털 비밀번호를 잊었다면 [비밀번호 찾기](/accounts/password/reset/)에서 "
        "학교 메일로 재설정 링크를 받을 수 있습니다.\n\n"
        "- 계정이 잠겼다면 30분 뒤 다시 시도하세요.\n"
        "- 학교 메일도 열리지 않으면 신분증을 지참하고 전산팀을 방문해 주세요.\n",
    ),
    DemoArticle(
        "학교 메일을 Outlook에 연결하기",
        "email",
        "Outlook에서 **계정 추가**를 누르고 학교 메일 주소를 입력합니다.\n\n"
        "| 항목 | 값 |\n|---|---|\n| IMAP 서버 | mail.example.ac.kr |\n"
        "| 포트 | 993 (SSL) |\n",
    ),
    DemoArticle(
        "도서관 프린터 용지 걸림 조치",
        "printing",
        "용지가 걸리면 프린터 앞면 덮개를 열고 걸린 종이를 천천히 당겨 빼세요. "
        "토너가 부족하다는 표시가 뜨면 티켓을 열어 주세요.",
    ),
    DemoArticle(
        "[내부] 기숙사 AP 재부팅 절차",
        "network",
        "기숙사 3층 AP는 통신실 랙 2번 PoE 스위치에서 포트를 껐다 켭니다. "
        "요청자에게는 안내하지 마세요.",
        internal=True,
    ),
    DemoArticle(
        "VPN 접속 안내 (작성 중)",
        "network",
        "학외에서 학내 시스템에 접속하는 방법을 정리 중입니다.",
        status=ArticleStatus.DRAFT,
    ),
)


def _demo_author() -> User | None:
    emails = [account.email for account in DEMO_ACCOUNTS]
    for user in User.objects.filter(email__in=emails).order_by("pk"):
        if is_staff_member(user):
            return user
    return None


def demo_articles_seed():
    """Create the demo articles that are missing; yields one line per article."""
    author = _demo_author()
    if author is None:
        return
    categories = {category.slug: category for category in Category.objects.all()}
    for demo in DEMO_ARTICLES:
        if Article.objects.filter(title=demo.title).exists():
            yield f"article    {demo.title} exists"
            continue
        with transaction.atomic():
            services.article_save(
                article=Article(
                    title=demo.title,
                    body=demo.body,
                    language="ko",
                    category=categories.get(demo.category),
                    status=demo.status,
                    internal=demo.internal,
                ),
                by=author,
            )
        yield f"article    {demo.title} created"
