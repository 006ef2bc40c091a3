"""Background work of the accounts app (run by ``manage.py task_worker``; at once in tests)."""

from __future__ import annotations

from django_tasks import task

from accounts.services import password_reset_link_send


@task()
def send_password_reset_link(identifier: str) -> None:
    """Find the account behind what was typed and mail it a reset link; nothing for an unknown identifier.

    Run after the answer, so the answer takes the same time for every identifier.
    """
    password_reset_link_send(identifier=identifier)
