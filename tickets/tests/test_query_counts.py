"""The benchmark's query counter (servicedesk.query_count), off by default."""

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from servicedesk.query_count import QueryCountMiddleware


@pytest.mark.django_db
def test_the_header_counts_the_queries_of_the_request():
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Query-Count"] == "2"


def test_the_counter_is_not_installed_unless_asked_for():
    assert "servicedesk.query_count.QueryCountMiddleware" not in settings.MIDDLEWARE
