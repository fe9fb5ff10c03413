"""Project-level views: the health check, the home page, the error pages, favicon."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import NotFound

from tickets import views as ticket_views


@never_cache
def healthz(request):
    """One `SELECT 1` through the normal middleware; never touches the session."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    """Signed-out visitors go to the sign-in page; others see their working list.

    Rendered here rather than redirected: "my tickets" for a requester, the
    queue for agents and admins.
    """
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return ticket_views.home_page(request)


def not_found(request, exception):
    """handler404: JSON under /api/ (like the API views' own 404), a page elsewhere.

    An API path that matches no route (an id that is not ASCII digits, say)
    still answers in the API's shape.
    """
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


# Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 5


@never_cache
def server_error(request):
    """handler500: a database that cannot be reached is a 503, not a bug.

    While PostgreSQL restarts, a request fails cleanly with 503 and Retry-After
    (JSON under /api/, a small page elsewhere) and the worker keeps running;
    CONN_HEALTH_CHECKS reconnects on the next request. The page is rendered
    without the request, so no context processor runs and nothing reads the
    database. Any other error is Django's own 500 (500.html, empty context).
    """
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    message = _("The service is briefly unavailable. Please try again in a moment.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"message": message}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a refused form, in the site's layout and language.

    Rendered with the request (unlike Django's own page), so the header shows
    who is signed in and the page carries a fresh token for the next try.
    """
    return render(request, "403_csrf.html", status=403)


def favicon(request):
    """Browsers ask for /favicon.ico on every page that names no icon."""
    return redirect(static("favicon.svg"))
