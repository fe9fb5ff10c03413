"""OpenAPI examples for the attachment API (shown in /api/docs/)."""

from drf_spectacular.utils import OpenApiExample

_KEY = "tickets/123/4f1c2d3e4b5a69788796a5b4c3d2e1f0/_.pdf"

PRESIGN_REQUEST = OpenApiExample(
    "A PDF for a public reply",
    value={
        "filename": "오류화면.pdf",
        "content_type": "application/pdf",
        "size": 183204,
        "internal": False,
    },
    request_only=True,
)
PRESIGN_RESPONSE = OpenApiExample(
    "An upload slot",
    value={
        "upload_url": "https://kr.object.ncloudstorage.com/servicedesk/"
        f"{_KEY}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600&"
        "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost&X-Amz-Signature=…",
        "method": "PUT",
        "headers": {"Content-Type": "application/pdf"},
        "key": _KEY,
        "expires_in": 600,
    },
    response_only=True,
)
REGISTER_REQUEST = OpenApiExample(
    "Register the uploaded PDF",
    value={
        "key": _KEY,
        "filename": "오류화면.pdf",
        "content_type": "application/pdf",
        "size": 183204,
        "internal": False,
        "comment": 456,
    },
    request_only=True,
)
_ATTACHMENT = {
    "id": 42,
    "ticket": 123,
    "comment": 456,
    "filename": "오류화면.pdf",
    "content_type": "application/pdf",
    "size": 183204,
    "internal": False,
    "uploader": {"id": 7, "name": "김학생"},
    "created_at": "2026-11-22T09:40:00+09:00",
    "download_url": "https://servicedesk.example.ac.kr/api/attachments/42/download",
}
ATTACHMENT = OpenApiExample(
    "Registered", value=_ATTACHMENT, response_only=True, status_codes=["201"]
)
ATTACHMENT_LIST = OpenApiExample(
    "Files on a ticket", value=[_ATTACHMENT], response_only=True
)
STORAGE_DOWN = OpenApiExample(
    "Storage unreachable",
    value={"detail": "File storage is unavailable right now. Try again shortly."},
    response_only=True,
    status_codes=["503"],
)
