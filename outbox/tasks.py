"""Background work of the outbox (run by the task worker; at once in tests)."""

from __future__ import annotations

from django_tasks import task

from outbox.services import email_deliver


@task()
def email_send(email_id: str) -> None:
    """Send a queued email; takes its id and is idempotent (an email already sent is not sent again)."""
    email_deliver(email_id=email_id)
