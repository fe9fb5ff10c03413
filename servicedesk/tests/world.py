"""A small, realistic service desk made through the services, for the sweeps.

Two requesters, two agents and an admin; tickets of each requester (open and
closed), public replies and internal notes, public and internal attachments,
and the notifications all that produced.
"""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile

from accounts.models import User
from accounts.tests.factories import AdminFactory, AgentFactory, UserFactory
from attachments import services as attachment_services
from attachments.models import Attachment
from knowledge import services as knowledge_services
from knowledge.models import Article, ArticleStatus
from notifications.models import Notification
from tickets import services as ticket_services
from tickets.models import CannedReply, Category, Comment, Incident, Status, Ticket
from tickets.services import incidents as incident_services
from tickets.tests.factories import CategoryFactory


@dataclass
class World:
    requester: User
    other_requester: User
    agent: User
    other_agent: User
    admin: User
    category: Category
    # Keyed "own" (the requester's), "other" (the other requester's), "closed",
    # "cc" (the other requester's, with the requester copied on it).
    tickets: dict[str, Ticket] = field(default_factory=dict)
    public_comment: Comment | None = None
    internal_note: Comment | None = None
    public_attachment: Attachment | None = None
    internal_attachment: Attachment | None = None
    other_attachment: Attachment | None = None
    # On the other requester's ticket the requester is copied on ("cc").
    cc_attachment: Attachment | None = None
    cc_internal_attachment: Attachment | None = None
    # Keyed "shared" (the admins'), "agent", "other_agent", "admin" (personal).
    canned_replies: dict[str, CannedReply] = field(default_factory=dict)
    # An open outage notice (opened by the agent), the requester's ticket linked.
    incident: Incident | None = None
    # Knowledge base articles keyed "published", "draft", "internal".
    articles: dict[str, Article] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "requester": self.requester,
            "agent": self.agent,
            "admin": self.admin,
        }[role]

    def notification_of(self, user: User) -> Notification:
        return Notification.objects.filter(recipient=user).order_by("pk").first()


def _upload(ticket, by, name, *, internal=False):
    return attachment_services.attachment_upload(
        ticket=ticket,
        by=by,
        fileobj=ContentFile(f"{name} contents\n".encode(), name=name),
        filename=name,
        content_type="text/plain",
        internal=internal,
    )


def build_world(**names) -> World:
    """Make the world; `names` may override the people's display names."""
    world = World(
        requester=UserFactory(
            email="student1@school.ac.kr", name=names.get("requester", "김학생")
        ),
        other_requester=UserFactory(
            email="student2@school.ac.kr", name=names.get("other_requester", "최학생")
        ),
        agent=AgentFactory(
            email="agent1@school.ac.kr", name=names.get("agent", "이담당")
        ),
        other_agent=AgentFactory(email="agent2@school.ac.kr", name="정담당"),
        admin=AdminFactory(email="admin1@school.ac.kr", name="박관리"),
        category=CategoryFactory(slug="network", name_ko="네트워크", name_en="Network"),
    )
    create = ticket_services.ticket_create
    own = create(
        by=world.requester,
        title=names.get("title", "기숙사 와이파이 불안정"),
        description="3층에서 연결이 자주 끊깁니다.",
        category=world.category,
        location="기숙사 A동 301호",
    )
    other = create(
        by=world.agent,
        requester=world.other_requester,
        title="메일 수신 오류",
        category=world.category,
        priority="urgent",
    )
    closed = create(
        by=world.requester, title="프린터 용지 걸림", category=world.category
    )
    ticket_services.ticket_assign(ticket=own, assignee=world.agent, by=world.agent)
    world.public_comment = ticket_services.ticket_reply(
        ticket=own, by=world.agent, body=names.get("comment", "공유기를 교체했습니다.")
    )
    world.internal_note = ticket_services.ticket_reply(
        ticket=own, by=world.agent, body="3층 AP 펌웨어 문제로 보임", internal=True
    )
    ticket_services.ticket_reply(
        ticket=other, by=world.other_requester, body="급합니다"
    )
    ticket_services.ticket_close(ticket=closed, by=world.requester)
    world.public_attachment = _upload(
        own, world.requester, names.get("filename", "screenshot.txt")
    )
    world.internal_attachment = _upload(own, world.agent, "ap-log.txt", internal=True)
    world.other_attachment = _upload(other, world.other_requester, "mail-error.txt")
    world.canned_replies = {
        "shared": ticket_services.canned_reply_create(
            by=world.admin,
            title="접수 안내",
            body="{{ requester_name }} 님",
            shared=True,
        ),
        **{
            key: ticket_services.canned_reply_create(
                by=getattr(world, key), title=f"{key} 메모", body="확인했습니다."
            )
            for key in ("agent", "other_agent", "admin")
        },
    }
    copied = create(
        by=world.other_requester,
        title="강의실 프로젝터 고장",
        description="공학관 201호 프로젝터가 켜지지 않습니다.",
        category=world.category,
    )
    ticket_services.ticket_cc_add(
        ticket=copied, person=world.requester.email, by=world.other_requester
    )
    ticket_services.ticket_reply(
        ticket=copied, by=world.agent, body="램프 교체 예정", internal=True
    )
    world.cc_attachment = _upload(copied, world.other_requester, "projector.txt")
    world.cc_internal_attachment = _upload(
        copied, world.agent, "projector-log.txt", internal=True
    )
    world.incident = incident_services.incident_create(
        by=world.agent, title="학내 와이파이 장애", category=world.category
    )
    incident_services.incident_link_tickets(
        incident=world.incident, by=world.agent, ticket_ids=[own.pk]
    )
    world.tickets = {
        "own": Ticket.objects.get(pk=own.pk),
        "other": Ticket.objects.get(pk=other.pk),
        "cc": Ticket.objects.get(pk=copied.pk),
        "closed": Ticket.objects.get(pk=closed.pk),
    }
    world.articles = _articles(world)
    assert Ticket.objects.get(pk=closed.pk).status == Status.CLOSED
    return world


def _articles(world: World) -> dict[str, Article]:
    """A published article, a draft and an internal (staff) note."""
    kinds = {
        "published": ("와이파이 재연결 방법", ArticleStatus.PUBLISHED, False),
        "draft": ("VPN 안내 (작성 중)", ArticleStatus.DRAFT, False),
        "internal": ("AP 재부팅 절차", ArticleStatus.PUBLISHED, True),
    }
    return {
        kind: knowledge_services.article_save(
            article=Article(
                title=title,
                body=f"{title} 본문",
                category=world.category,
                status=status,
                internal=internal,
            ),
            by=world.admin,
        )
        for kind, (title, status, internal) in kinds.items()
    }
