"""A few demo tickets for `manage.py seed_demo`, so a first look finds a living queue.

Everything goes through the services (tickets, replies, notes, a file), as if the
demo people had used the site. Re-running adds nothing: a demo ticket is known
by its requester and title.
"""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from accounts.services import DEMO_ACCOUNTS

from . import services
from .models import Category, Priority, Status, Ticket


@dataclass(frozen=True)
class Step:
    """One thing a demo person does on the ticket: "reply", "note" or "status"."""

    who: str  # "requester" or "agent"
    action: str
    text: str = ""


@dataclass(frozen=True)
class DemoTicket:
    title: str
    category: str
    description: str
    priority: str = Priority.MEDIUM
    location: str = ""
    assign: bool = False
    steps: tuple[Step, ...] = ()
    file: tuple[str, bytes] | None = field(default=None)


DEMO_TICKETS = (
    DemoTicket(
        title="공학관 301호 프로젝터가 켜지지 않아요",
        category="classroom",
        description="오늘 3교시 수업 전에 켜 보았는데 전원 표시등만 깜빡이고 화면이 나오지 않습니다.",
        priority=Priority.HIGH,
        location="공학관 301호",
        assign=True,
        steps=(
            Step("agent", "reply", "확인했습니다. 10분 안에 방문하겠습니다."),
            Step(
                "agent", "note", "램프 사용 시간 초과 가능성. 예비 램프 재고 확인 필요."
            ),
            Step("requester", "reply", "감사합니다. 강의실에서 기다리겠습니다."),
        ),
        file=("projector-error.txt", "전원 표시등: 빨간색 3회 깜빡임\n".encode()),
    ),
    DemoTicket(
        title="도서관 와이파이가 자주 끊깁니다",
        category="network",
        description="중앙도서관 3층 열람실에서 eduroam 연결이 몇 분마다 끊깁니다.",
        location="중앙도서관 3층",
    ),
    DemoTicket(
        title="학사 포털 비밀번호를 잊어버렸어요",
        category="account",
        description="학사 포털에 로그인할 수 없습니다. 비밀번호 초기화를 부탁드립니다.",
        assign=True,
        steps=(
            Step(
                "agent",
                "reply",
                "비밀번호를 초기화했습니다. 메일로 받은 링크로 새로 정해 주세요.",
            ),
            Step("agent", "status", Status.RESOLVED),
        ),
    ),
    DemoTicket(
        title="Outlook에서 학교 메일 계정 추가가 안 됩니다",
        category="email",
        description="Outlook에 계정을 추가하면 서버 설정 오류가 납니다.",
        priority=Priority.LOW,
        assign=True,
        steps=(
            Step(
                "agent",
                "reply",
                "사용하시는 Outlook 버전과 오류 화면을 알려 주시겠어요?",
            ),
            Step("agent", "status", Status.WAITING),
        ),
    ),
)


def _demo_people() -> dict[str, User] | None:
    emails = {account.role: account.email for account in DEMO_ACCOUNTS}
    people = {
        "requester": User.objects.filter(email__iexact=emails["requester"]).first(),
        "agent": User.objects.filter(email__iexact=emails["agent"]).first(),
    }
    return people if all(people.values()) else None


def demo_tickets_seed():
    """Create the demo tickets that are missing; yields one line per ticket."""
    from attachments.services import attachment_upload

    people = _demo_people()
    if people is None:
        return
    requester, agent = people["requester"], people["agent"]
    for demo in DEMO_TICKETS:
        if Ticket.objects.filter(requester=requester, title=demo.title).exists():
            yield f"ticket     {demo.title} exists"
            continue
        with transaction.atomic():
            ticket = services.ticket_create(
                by=requester,
                title=demo.title,
                category=Category.objects.get(slug=demo.category),
                description=demo.description,
                priority=demo.priority,
                location=demo.location,
            )
            if demo.assign:
                ticket = services.ticket_assign(ticket=ticket, assignee=agent, by=agent)
            for step in demo.steps:
                ticket = _act(ticket, step, people[step.who])
        if demo.file:  # the upload commits its own steps (see attachment_upload)
            name, content = demo.file
            attachment_upload(
                ticket=ticket,
                by=requester,
                fileobj=ContentFile(content, name=name),
                filename=name,
                content_type="text/plain",
            )
        yield f"ticket     {demo.title} created"


def _act(ticket: Ticket, step: Step, by: User) -> Ticket:
    if step.action == "status":
        return services.ticket_status_change(ticket=ticket, status=step.text, by=by)
    comment = services.ticket_reply(
        ticket=ticket, by=by, body=step.text, internal=step.action == "note"
    )
    return comment.ticket
