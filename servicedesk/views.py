"""Project-level views: the health check and the home redirect."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache


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
    """Signed-out visitors go to the sign-in page; others see their working list."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return render(request, "home.html")
