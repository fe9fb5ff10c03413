"""Fill PostgreSQL with realistic benchmark data, fast (COPY, not the services).

    manage.py seed_bench --tickets 100000

Adds 3,000 requesters and 20 agents (unless they exist already), the default
categories, and N tickets spread over three years, every status, priority and
category, with about three comments each (some internal notes), their history
and a few attachments' metadata, in Korean and English. Every ticket whose id
is a multiple of 1,000 has exactly 50 comments (the benchmark's ticket page).

This bypasses the services on purpose: it writes what they would have written
(the `search_bigrams` column comes from the very function the services use),
but no notifications. It is for benchmark databases, never for real ones.
"""

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Role, User
from attachments.models import Attachment
from tickets.models import (
    Comment,
    EventKind,
    Priority,
    Status,
    Ticket,
    TicketCounter,
    TicketEvent,
)
from tickets.selectors import search_bigrams
from tickets.services import categories_seed
from tickets.services.counters import touch as counters_touch

BENCH_DOMAIN = "bench.example.ac.kr"
DEFAULT_PASSWORD = "bench-password-2026"
HEAVY_EVERY = 1000
HEAVY_COMMENTS = 50
YEARS = 3
POOL_SIZE = 4000
BATCH_LINES = 20000

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "은우", "지호", "수아", "예준"]
DEPARTMENTS = [f"{name}학과" for name in ("컴퓨터공학", "경영", "국어국문", "물리")] + [
    "교무처",
    "학생처",
    "도서관",
    "행정실",
]
BUILDINGS = [
    "본관",
    "공학관",
    "인문관",
    "도서관",
    "기숙사 A동",
    "기숙사 B동",
    "학생회관",
]

# (title, description) templates per category; {b} building, {r} room, {n} number.
TEXTS = {
    "network": [
        (
            "와이파이 연결이 자주 끊깁니다",
            "{b} {r}호에서 와이파이가 {n}분마다 끊깁니다.",
        ),
        ("유선 인터넷 불통", "{b} {r}호 랜선을 꽂아도 인터넷이 되지 않습니다."),
        (
            "VPN access fails",
            "The campus VPN rejects my login from home since {n} days.",
        ),
    ],
    "account": [
        ("비밀번호 초기화 요청", "포털 비밀번호를 {n}번 틀려서 계정이 잠겼습니다."),
        ("인증 메일이 오지 않습니다", "2단계 인증 코드가 메일로 오지 않습니다."),
        (
            "Cannot sign in to the portal",
            "Password reset link expired after {n} minutes.",
        ),
    ],
    "hardware": [
        ("모니터 화면이 깜빡입니다", "{b} {r}호 PC 모니터가 {n}초마다 깜빡입니다."),
        ("노트북 배터리 교체", "지급 노트북 배터리가 {n}분밖에 가지 않습니다."),
        ("Keyboard not working", "Half the keys on the keyboard in room {r} are dead."),
    ],
    "software": [
        ("한글 프로그램 설치 요청", "{b} 실습실 {r}호에 한글 {n} 설치 부탁드립니다."),
        (
            "오피스 라이선스 만료",
            "오피스 인증이 만료되었다고 나옵니다. 인증 키 확인 부탁드립니다.",
        ),
        ("Antivirus update error", "The antivirus update fails with error {n}."),
    ],
    "email": [
        ("메일 수신이 안 됩니다", "외부에서 보낸 메일이 {n}시간째 수신되지 않습니다."),
        ("메일함 용량 초과", "메일함이 가득 찼다고 합니다. 용량 증설 부탁드립니다."),
        ("Mail stuck in outbox", "Messages to external addresses stay in the outbox."),
    ],
    "printing": [
        (
            "프린터 출력이 안 됩니다",
            "{b} {r}호 프린터에서 출력이 되지 않습니다. 용지 걸림 표시.",
        ),
        ("컬러 출력 요청", "학과 행사 포스터 {n}장 컬러 출력이 필요합니다."),
        ("Printer shows offline", "The printer on floor {n} of {b} shows as offline."),
    ],
    "classroom": [
        (
            "강의실 빔프로젝터 고장",
            "{b} {r}호 빔프로젝터가 켜지지 않습니다. {n}교시 수업 전 확인 부탁드립니다.",
        ),
        ("전자교탁 마이크 잡음", "{b} {r}호 마이크에서 잡음이 심합니다."),
        ("Projector has no signal", "HDMI gives no signal in room {r}, class at {n}."),
    ],
    "other": [
        ("전화기 설치 요청", "{b} {r}호에 내선 전화 {n}대 설치 부탁드립니다."),
        ("출입 카드 인식 불가", "{b} 출입 카드가 인식되지 않습니다."),
        ("General question", "Who do I ask about the lab booking system? Ref {n}."),
    ],
}
COMMENTS_REQUESTER = [
    "확인 부탁드립니다. 오늘 오후에 자리에 있습니다.",
    "아직 같은 문제가 있습니다.",
    "감사합니다. 해결되었습니다.",
    "Still happening this morning, thanks for checking.",
]
COMMENTS_AGENT = [
    "확인했습니다. 현장 방문 예정입니다.",
    "원격으로 설정을 변경했습니다. 다시 시도해 보세요.",
    "부품 주문했습니다. 입고되면 연락드리겠습니다.",
    "We reset the device; please try again and let us know.",
]
NOTES = [
    "내부 메모: 지난 학기에도 같은 장비 문제 있었음.",
    "Internal: vendor ticket opened, waiting for the part.",
    "내부 메모: 담당자 교대 예정.",
]
FILES = [
    ("오류화면.png", "image/png"),
    ("screenshot.jpg", "image/jpeg"),
    ("견적서.pdf", "application/pdf"),
    ("로그.txt", "text/plain"),
    ("신청서.hwp", "application/x-hwp"),
]
# Status mix of recent tickets (the last 30 days); older ones are mostly closed.
RECENT_STATUSES = (
    [Status.NEW] * 20
    + [Status.IN_PROGRESS] * 30
    + [Status.WAITING] * 15
    + [Status.RESOLVED] * 15
    + [Status.CLOSED] * 20
)
OLD_STATUSES = (
    [Status.CLOSED] * 96
    + [Status.RESOLVED] * 1
    + [Status.IN_PROGRESS] * 2
    + [Status.WAITING]
)
PRIORITIES = (
    [Priority.LOW] * 25
    + [Priority.MEDIUM] * 50
    + [Priority.HIGH] * 20
    + [Priority.URGENT] * 5
)


def copy_escape(value) -> str:
    """A value in COPY's text format (None is NULL)."""
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def stamp(moment: datetime) -> str:
    return moment.isoformat()


@dataclass
class Text:
    title: str
    description: str
    bigrams: str


class Copier:
    """Buffers rows of one table and sends them with COPY in large chunks."""

    def __init__(self, cursor, table: str, columns: list[str]):
        self.cursor, self.table, self.columns = cursor, table, columns
        self.lines: list[str] = []
        self.rows = 0

    def add(self, *values) -> None:
        self.lines.append("\t".join(map(copy_escape, values)))
        if len(self.lines) >= BATCH_LINES:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        statement = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
        with self.cursor.copy(statement) as copy:
            copy.write("\n".join(self.lines) + "\n")
        self.rows += len(self.lines)
        self.lines = []


class Command(BaseCommand):
    help = "Bulk-load realistic benchmark data into PostgreSQL (tickets, comments…)."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, required=True)
        parser.add_argument("--requesters", type=int, default=3000)
        parser.add_argument("--agents", type=int, default=20)
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="Password of every seeded account (the benchmark signs in with it).",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_bench needs PostgreSQL (it loads with COPY).")
        if options["tickets"] < 0:
            raise CommandError("--tickets must be zero or more.")
        self.random = random.Random(options["seed"])
        self.now = datetime.now(UTC)
        started = time.monotonic()
        self.categories = {
            category.slug: category.pk for category, _created in categories_seed()
        }
        requesters, agents = self.users(options)
        with transaction.atomic():
            totals = self.load(options["tickets"], requesters, agents)
        with connection.cursor() as cursor:
            for table in (
                "accounts_user",
                "tickets_ticket",
                "tickets_comment",
                "tickets_ticketevent",
            ):
                cursor.execute(f"ANALYZE {table}")
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{count} {name}" for name, count in totals.items())
        self.stdout.write(f"Seeded {summary} in {elapsed:.1f} s.")

    # --- People ---------------------------------------------------------------------

    def users(self, options) -> tuple[list[int], list[int]]:
        password = make_password(options["password"])
        wanted = [
            (f"agent{n:02d}@{BENCH_DOMAIN}", Role.AGENT, "전산팀")
            for n in range(1, options["agents"] + 1)
        ] + [
            (f"user{n:05d}@{BENCH_DOMAIN}", Role.REQUESTER, None)
            for n in range(1, options["requesters"] + 1)
        ]
        existing = set(
            User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").values_list(
                "email", flat=True
            )
        )
        new = [
            User(
                email=email,
                name=self.person_name(),
                department=department or self.random.choice(DEPARTMENTS),
                role=role,
                password=password,
            )
            for email, role, department in wanted
            if email not in existing
        ]
        User.objects.bulk_create(new, batch_size=1000)
        people = User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}")
        agents = list(people.filter(role=Role.AGENT).values_list("pk", flat=True))
        requesters = list(
            people.filter(role=Role.REQUESTER).values_list("pk", flat=True)
        )
        return requesters, agents

    def person_name(self) -> str:
        return self.random.choice(SURNAMES) + self.random.choice(GIVEN)

    # --- Tickets and what hangs off them -----------------------------------------

    def text_pool(self) -> dict[str, list[Text]]:
        """Varied texts per category; bigrams computed once per text."""
        pool = {}
        per_category = POOL_SIZE // len(TEXTS)
        for slug, templates in TEXTS.items():
            texts = []
            for _ in range(per_category):
                title, description = self.random.choice(templates)
                values = {
                    "b": self.random.choice(BUILDINGS),
                    "r": self.random.randint(101, 720),
                    "n": self.random.randint(2, 60),
                }
                title, description = (
                    title.format(**values),
                    description.format(**values),
                )
                texts.append(
                    Text(title, description, search_bigrams(title, description))
                )
            pool[slug] = texts
        return pool

    def load(self, count: int, requesters: list[int], agents: list[int]) -> dict:
        pool = self.text_pool()
        slugs = [slug for slug in TEXTS if slug in self.categories]
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = cursor.fetchone()[0]
            if superuser:
                # Our ids are consistent by construction: skip per-row FK checks.
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            indexes = _drop_secondary_indexes(cursor)
            ids = {
                model: _next_id(cursor, model._meta.db_table)
                for model in (Ticket, Comment, TicketEvent, Attachment)
            }
            out = {
                "tickets": Copier(cursor, "tickets_ticket", TICKET_COLUMNS),
                "comments": Copier(cursor, "tickets_comment", COMMENT_COLUMNS),
                "events": Copier(cursor, "tickets_ticketevent", EVENT_COLUMNS),
                "attachments": Copier(cursor, "attachments_attachment", FILE_COLUMNS),
            }
            self.ids = ids
            for ticket_id in range(ids[Ticket], ids[Ticket] + count):
                slug = self.random.choice(slugs)
                self.ticket(
                    out,
                    ticket_id,
                    self.random.choice(pool[slug]),
                    slug,
                    requesters,
                    agents,
                )
            for copier in out.values():
                copier.flush()
            if superuser:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            for model in (Ticket, Comment, TicketEvent, Attachment):
                _sync_sequence(cursor, model._meta.db_table)
            for definition in indexes:
                cursor.execute(definition)
            _recount(cursor)
        return {name: copier.rows for name, copier in out.items()}

    def ticket(self, out, ticket_id, text, slug, requesters, agents) -> None:
        rand = self.random
        age = timedelta(days=YEARS * 365 * rand.random() ** 1.3)
        created = self.now - age
        recent = age < timedelta(days=30)
        status = rand.choice(RECENT_STATUSES if recent else OLD_STATUSES)
        requester = rand.choice(requesters)
        assignee = None
        if status != Status.NEW or rand.random() < 0.2:
            assignee = rand.choice(agents) if rand.random() < 0.95 else None
        heavy = ticket_id % HEAVY_EVERY == 0
        comment_count = HEAVY_COMMENTS if heavy else rand.choice((1, 2, 3, 3, 4, 5))
        if status == Status.NEW and not heavy:
            comment_count = rand.choice((0, 0, 1))
        span = min(age * rand.random(), timedelta(days=rand.uniform(0.05, 20)))
        updated = created + span
        moments = sorted(created + span * rand.random() for _ in range(comment_count))
        agent = assignee or rand.choice(agents)
        first_response = None
        events = [
            (created, requester, EventKind.CREATED, "", "", Status.NEW, False, None)
        ]
        for moment in moments:
            comment_id = self.ids[Comment]
            self.ids[Comment] += 1
            roll = rand.random()
            internal = roll < 0.15
            by_agent = internal or roll < 0.6
            author = agent if by_agent else requester
            if internal:
                body, kind = rand.choice(NOTES), EventKind.INTERNAL_NOTE
            elif by_agent:
                body, kind = rand.choice(COMMENTS_AGENT), EventKind.REPLIED
                first_response = first_response or moment
            else:
                body, kind = rand.choice(COMMENTS_REQUESTER), EventKind.REPLIED
            out["comments"].add(
                comment_id, ticket_id, author, body, internal, stamp(moment)
            )
            events.append((moment, author, kind, "", "", "", internal, comment_id))
        resolved_at = closed_at = None
        if status != Status.NEW:
            events.append(
                (
                    updated,
                    agent,
                    EventKind.STATUS_CHANGED,
                    "status",
                    Status.NEW,
                    status,
                    False,
                    None,
                )
            )
        if status in (Status.RESOLVED, Status.CLOSED):
            resolved_at = updated
        if status == Status.CLOSED:
            closed_at = updated
        out["tickets"].add(
            ticket_id,
            text.title,
            text.description,
            status,
            rand.choice(PRIORITIES),
            self.categories[slug],
            requester,
            assignee,
            rand.choice(BUILDINGS) + f" {rand.randint(101, 720)}호",
            "",
            stamp(created),
            stamp(updated),
            stamp(first_response) if first_response else None,
            stamp(resolved_at) if resolved_at else None,
            stamp(closed_at) if closed_at else None,
            len(events),
            text.bigrams,
        )
        for moment, actor, kind, field, old, new, internal, comment in events:
            out["events"].add(
                self.ids[TicketEvent],
                ticket_id,
                actor,
                kind,
                field,
                old,
                new,
                internal,
                comment,
                stamp(moment),
            )
            self.ids[TicketEvent] += 1
        if rand.random() < 0.05:
            self.attachment(out, ticket_id, requester, created)

    def attachment(self, out, ticket_id, uploader, created) -> None:
        attachment_id = self.ids[Attachment]
        self.ids[Attachment] += 1
        filename, content_type = self.random.choice(FILES)
        out["attachments"].add(
            attachment_id,
            ticket_id,
            None,
            uploader,
            filename,
            content_type,
            self.random.randint(2_000, 5_000_000),
            f"tickets/{ticket_id}/bench{attachment_id:08x}/{filename}",
            False,
            stamp(created),
        )


TICKET_COLUMNS = [
    "id", "title", "description", "status", "priority", "category_id",
    "requester_id", "assignee_id", "location", "contact_phone", "created_at",
    "updated_at", "first_responded_at", "resolved_at", "closed_at", "version",
    "search_bigrams",
]  # fmt: skip
COMMENT_COLUMNS = ["id", "ticket_id", "author_id", "body", "internal", "created_at"]
EVENT_COLUMNS = [
    "id", "ticket_id", "actor_id", "kind", "field", "old_value", "new_value",
    "internal", "comment_id", "created_at",
]  # fmt: skip
FILE_COLUMNS = [
    "id", "ticket_id", "comment_id", "uploader_id", "filename", "content_type",
    "size", "key", "internal", "created_at",
]  # fmt: skip
LOADED_TABLES = (
    "tickets_ticket",
    "tickets_comment",
    "tickets_ticketevent",
    "attachments_attachment",
)


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _sync_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
    )


def _recount(cursor) -> None:
    """Set the counters the services keep (`TicketCounter`) to the loaded truth."""
    table = TicketCounter._meta.db_table
    cursor.execute(
        f"INSERT INTO {table} (key, value) "
        "SELECT 'status:' || code, COUNT(t.id) "
        "FROM unnest(%s::text[]) AS code "
        "LEFT JOIN tickets_ticket t ON t.status = code GROUP BY code "
        f"ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [list(Status.values)],
    )
    counters_touch()


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the loaded tables' indexes that back no constraint; return their DDL.

    Building an index once after the load is far cheaper than keeping it up to
    date row by row (the trigram GIN indexes most of all). All of this runs in
    the load's transaction, so a failure leaves the indexes as they were.
    """
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [list(LOADED_TABLES)],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]
