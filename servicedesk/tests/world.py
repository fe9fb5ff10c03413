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
from notifications.models import Notification
from tickets import services as ticket_services
from tickets.models import Category, Comment, Status, Ticket
from tickets.tests.factories import CategoryFactory


@dataclass
class World:
    requester: User
    other_requester: User
    agent: User
    other_agent: User
    admin: User
    category: Category
    # Keyed "own" (the requester's), "other" (the other requester's), "closed".
    tickets: dict[str, Ticket] = field(default_factory=dict)
    public_comment: Comment | None = None
    internal_note: Comment | None = None
    public_attachment: Attachment | None = None
    internal_attachment: Attachment | None = None
    other_attachment: Attachment | None = None

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
    world.tickets = {
        "own": Ticket.objects.get(pk=own.pk),
        "other": Ticket.objects.get(pk=other.pk),
        "closed": Ticket.objects.get(pk=closed.pk),
    }
    assert Ticket.objects.get(pk=closed.pk).status == Status.CLOSED
    return world
