"""A task the serving tests enqueue: it runs only in a worker process and says which portal address it links to."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_tasks import task


@task()
def portal_url_write(path: str) -> None:
    Path(path).write_text(settings.PORTAL_URL, encoding="utf-8")
