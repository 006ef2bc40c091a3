"""Background work of the registration app (run by ``manage.py task_worker``; at once in tests)."""

from __future__ import annotations

from django_tasks import task

from registration.services import registration_take


@task()
def registration_process(sealed: str) -> None:
    """Match a registration request and act on it (account, activation letter, staff queue, emails).

    Run after the answer, so the answer takes the same time whatever the membership number matches."""
    registration_take(sealed)
