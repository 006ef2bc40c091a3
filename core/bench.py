"""Load-benchmark aids, on only with ``BENCH_MODE=1`` (``benchmarks/load.py``); a deployment never sets it.

- :class:`QueryCountMiddleware`, first of the stack: every answer carries ``X-Query-Count``, the SQL statements the
  whole request ran (sessions, authentication and every other middleware included), so the benchmark reads the
  server's own figure.
- :func:`floor`: ``/bench/floor/``, the least an authenticated page can cost behind the same middleware — one
  query by primary key — the yardstick the benchmark divides every operation's throughput by.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import HttpRequest, HttpResponse


class QueryCountMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counted) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Query-Count"] = str(count)
        return response


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """One indexed query (the login's row by primary key) and a few bytes back."""
    seen = get_user_model().objects.filter(pk=request.user.pk).values_list("last_login", flat=True).first()
    return HttpResponse(f"ok {seen:%Y}" if seen else "ok", content_type="text/plain; charset=utf-8")
