"""Content-Security-Policy with the object storage's origin in `connect-src`.

Browsers upload attachments straight to the object storage (a presigned PUT from
the pages' JavaScript), so its public origin must be allowed to be connected
to. It is read from the settings on each response rather than frozen into
CONTENT_SECURITY_POLICY, so it follows STORAGE_BACKEND and
OBJECT_STORAGE_PUBLIC_ENDPOINT wherever they are set.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings


def storage_origin() -> str | None:
    """The origin browsers upload to, when files live in object storage."""
    if settings.STORAGE_BACKEND != "object":
        return None
    endpoint = urlsplit(settings.OBJECT_STORAGE_PUBLIC_ENDPOINT or "")
    if not (endpoint.scheme and endpoint.netloc):
        return None
    return f"{endpoint.scheme}://{endpoint.netloc}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        origin = storage_origin()
        if origin and not report_only:
            parts.update = {**(parts.update or {})}
            parts.update["connect-src"] = [
                *parts.update.get("connect-src", []),
                origin,
            ]
        return parts
