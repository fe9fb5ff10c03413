"""Project-level views: the health check and the home redirect."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

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
