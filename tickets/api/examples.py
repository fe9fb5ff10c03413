"""OpenAPI examples for the ticket API (shown in /api/docs/)."""

from drf_spectacular.utils import OpenApiExample

_TICKET = {
    "id": 123,
    "reference": "SD-000123",
    "title": "와이파이 불안정",
    "description": "기숙사 3층에서 연결이 자주 끊깁니다.",
    "status": "in_progress",
    "priority": "high",
    "category": {"slug": "network", "name": "네트워크"},
    "requester": {"id": 7, "name": "김학생", "email": "student@example.ac.kr"},
    "assignee": {"id": 2, "name": "이담당"},
    "location": "기숙사 A동 301호",
    "contact_phone": "",
    "created_at": "2026-11-22T09:00:00+09:00",
    "updated_at": "2026-11-22T09:30:00+09:00",
    "first_responded_at": "2026-11-22T09:30:00+09:00",
    "resolved_at": None,
    "closed_at": None,
    "version": 3,
}

TICKET = OpenApiExample("A ticket", value=_TICKET, response_only=True)
# Shown inside a page: {"next": ..., "previous": ..., "results": [this]}.
TICKET_PAGE = OpenApiExample("A page of tickets", value=_TICKET, response_only=True)
TICKET_CREATED = OpenApiExample(
    "Created",
    value={**_TICKET, "status": "new", "assignee": None, "version": 1},
    response_only=True,
    status_codes=["201"],
)
CREATE_BY_REQUESTER = OpenApiExample(
    "A requester opens a ticket",
    value={
        "title": "와이파이 불안정",
        "description": "기숙사 3층에서 연결이 자주 끊깁니다.",
        "priority": "high",
        "category": "network",
        "location": "기숙사 A동 301호",
    },
    request_only=True,
)
CREATE_BY_STAFF = OpenApiExample(
    "Staff open a phone ticket for a requester",
    value={
        "title": "메일 수신 오류",
        "description": "전화 접수: 어제부터 메일이 오지 않습니다.",
        "priority": "urgent",
        "category": "email",
        "contact_phone": "010-1234-5678",
        "requester": "student@example.ac.kr",
    },
    request_only=True,
)
URGENT_REFUSED = OpenApiExample(
    "A requester asks for urgent",
    value={"priority": ["Only IT staff can set the priority to urgent."]},
    response_only=True,
    status_codes=["400"],
)
PATCH = OpenApiExample(
    "Assign and raise the priority",
    value={"assignee": 2, "priority": "high", "version": 2},
    request_only=True,
)
TAGS = OpenApiExample(
    "Set the tags",
    value={"tags": ["반복문의", "VPN"], "version": 3},
    request_only=True,
)
ASSIGN_TO_REQUESTER_REFUSED = OpenApiExample(
    "Assigning to a requester",
    value={"assignee": ["Tickets can only be assigned to active agents or admins."]},
    response_only=True,
    status_codes=["400"],
)
CONFLICT = OpenApiExample(
    "Stale version",
    value={
        "detail": "This ticket was changed by someone else (it is now version 4, "
        "you sent 3). Reload it and try again."
    },
    response_only=True,
    status_codes=["409"],
)
ACTION = OpenApiExample(
    "With the version seen", value={"version": 3}, request_only=True
)
COUNTS = OpenApiExample(
    "Counts",
    value={"new": 4, "in_progress": 7, "waiting": 2, "resolved": 3, "closed": 41},
    response_only=True,
)
_COMMENT = {
    "id": 51,
    "author": {"id": 2, "name": "이담당"},
    "body": "공유기를 교체했습니다. 확인 부탁드립니다.",
    "internal": False,
    "created_at": "2026-11-22T10:05:00+09:00",
}
COMMENTS = OpenApiExample("Comments", value=[_COMMENT], response_only=True)
COMMENT_CREATED = OpenApiExample(
    "Created", value=_COMMENT, response_only=True, status_codes=["201"]
)
REPLY = OpenApiExample(
    "Public reply",
    value={"body": "공유기를 교체했습니다. 확인 부탁드립니다."},
    request_only=True,
)
NOTE = OpenApiExample(
    "Internal note (staff)",
    value={"body": "3층 AP 펌웨어 문제로 보임", "internal": True},
    request_only=True,
)
REPLY_AND_RESOLVE = OpenApiExample(
    "Reply and mark resolved (staff)",
    value={
        "body": "공유기를 교체했습니다. 다시 안 되면 답장 주세요.",
        "status": "resolved",
        "version": 4,
    },
    request_only=True,
)
EVENTS = OpenApiExample(
    "History",
    value=[
        {
            "id": 301,
            "kind": "created",
            "field": "",
            "old_value": "",
            "new_value": "new",
            "actor": {"id": 7, "name": "김학생"},
            "comment": None,
            "internal": False,
            "created_at": "2026-11-22T09:00:00+09:00",
        },
        {
            "id": 302,
            "kind": "status_changed",
            "field": "status",
            "old_value": "new",
            "new_value": "in_progress",
            "actor": {"id": 2, "name": "이담당"},
            "comment": None,
            "internal": False,
            "created_at": "2026-11-22T09:30:00+09:00",
        },
    ],
    response_only=True,
)
