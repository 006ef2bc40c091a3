"""The outbox: an email written with its transaction, encrypted at rest, sent once, re-queued if its task was lost."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.mail import send_templated_email
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queue() -> OutgoingEmail:
    send_templated_email(
        to=["lea@example.fr"], template="claims/emails/claim_submitted", context={"reference": "CLM-1"}, language="fr"
    )
    return OutgoingEmail.objects.get()


def test_the_content_is_encrypted_at_rest(settings):
    settings.TASKS = DATABASE_TASKS
    email = queue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM outbox_outgoingemail WHERE id = %s", [email.pk.hex])
        raw = cursor.fetchone()[0]
    assert "lea@example.fr" not in raw and "CLM-1" not in raw and "lea@example.fr" in email.content


def test_a_lost_task_is_queued_again_by_outbox_flush(settings):
    settings.TASKS = DATABASE_TASKS
    email = queue()  # its task is never queued: the test's transaction does not commit
    assert not DBTaskResult.objects.exists()
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    out = StringIO()
    call_command("outbox_flush", stdout=out)
    assert "1 email(s) queued again" in out.getvalue()
    assert DBTaskResult.objects.get().args_kwargs["args"] == [str(email.pk)]
