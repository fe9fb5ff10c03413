"""The project's middleware: response headers.

Content-Security-Policy with the object storage's origin in `connect-src`:
browsers upload attachments straight to the object storage (a presigned PUT from
the pages' JavaScript), so its public origin must be allowed to be connected
to. It is read from the settings on each response rather than frozen into
CONTENT_SECURITY_POLICY, so it follows STORAGE_BACKEND and
OBJECT_STORAGE_PUBLIC_ENDPOINT wherever they are set.

Cache-Control: see PrivateByDefaultMiddleware.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.utils.cache import patch_cache_control


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


class PrivateByDefaultMiddleware:
    """`Cache-Control: private, no-store` on every answer that sets none itself.

    Pages and API answers are made for the one who asked: a signed-in person's
    tickets, a sign-in form with its CSRF token, a pair of API tokens. No
    browser cache or proxy keeps them. The one rule has two exceptions: the
    public API description (schema and Swagger UI, the same for everyone), and
    static files, which WhiteNoise answers before this middleware runs. A view
    that sets its own Cache-Control (never_cache, a download) keeps it.

    This is about HTTP caches only; the server's page fragments
    (tickets/cache.py) are another matter.
    """

    public_url_names = frozenset({"schema", "swagger-ui"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        public = match is not None and match.url_name in self.public_url_names
        if not public and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
