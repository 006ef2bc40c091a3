"""Background work of the privacy app (run by ``manage.py task_worker``; at once in tests)."""

from __future__ import annotations

from django_tasks import task

from privacy.models import PrivacyRequest
from privacy.services import export_build


@task()
def build_export(request_public_id: str) -> None:
    """Build the copy of an answered access or portability request; takes an id and is idempotent."""
    request = PrivacyRequest.objects.select_related("user", "person").get(public_id=request_public_id)
    export_build(request=request)
