"""Queue an email in the transaction that decides it; a task sends it after the commit, once.

A failing or hanging mail server therefore never slows down, fails or undoes the request that wrote the row:
the task fails (``EMAIL_TIMEOUT`` bounds each attempt) and the task backend retries it; ``manage.py outbox_flush``
re-queues any email whose task was lost (the database was down when it was to be queued).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Sequence
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)


def email_queue(
    *,
    template: str,
    from_email: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> OutgoingEmail:
    """Write the email (encrypted) now and queue its sending for after the commit."""
    content = {
        "from": from_email,
        "to": list(to),
        "subject": subject,
        "text": text,
        "html": html,
        "attachments": [[name, base64.b64encode(data).decode(), mime] for name, data, mime in attachments],
    }
    email = OutgoingEmail.objects.create(template=template, content=json.dumps(content))
    transaction.on_commit(lambda: _enqueue(email.pk), robust=True)
    return email


def _enqueue(email_id) -> None:
    from outbox.tasks import email_send

    email_send.enqueue(str(email_id))


def _message(content: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(content["subject"], content["text"], content["from"], content["to"])
    message.attach_alternative(content["html"], "text/html")
    for name, data, mime in content["attachments"]:
        message.attach(name, base64.b64decode(data), mime)
    return message


def email_deliver(*, email_id: str) -> bool:
    """Send one queued email unless it was already sent; True when it was sent now.

    The row stays locked while the mail server answers, so a duplicated task waits and then finds it sent.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False
        _message(json.loads(email.content)).send()
        email.sent_at, email.content = timezone.now(), ""
        email.save(update_fields=["sent_at", "content"])
    return True


def emails_requeue(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Queue again the emails still unsent after ``older_than`` (their task was lost); returns how many."""
    waiting = OutgoingEmail.objects.filter(sent_at__isnull=True, created_at__lt=timezone.now() - older_than)
    ids = list(waiting.values_list("pk", flat=True))
    for email_id in ids:
        _enqueue(email_id)
    return len(ids)
