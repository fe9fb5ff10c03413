"""Benchmark aid: count the SQL queries of each request (off unless asked for).

Installed only when BENCH_COUNT_QUERIES is true (see settings/base.py), so a
normal process never pays for it. The count goes out in `X-Query-Count`.
"""

from django.db import connection


class QueryCountMiddleware:
    header = "X-Query-Count"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _Counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
            # A streamed or lazily rendered body could still query: render first.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response[self.header] = str(counter.queries)
        return response


class _Counter:
    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)
