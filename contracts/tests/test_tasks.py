"""Emailing the certificate in the background: at once in tests, and through the database queue."""

import signal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from contracts.tasks import email_certificate
from contracts.tests.test_pdf import build_family

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


def send(family, language: str = "fr") -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the outbox sends the email after the commit
        email_certificate.enqueue(str(family.subscriber.public_id), language)


def test_the_certificate_is_emailed_as_a_pdf(mailoutbox, settings):
    family = build_family()

    send(family)

    [message] = mailoutbox
    assert message.to == ["jeanne.dupont@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith("-IND-2024-0042.pdf")
    assert content.startswith(b"%PDF")
    assert mimetype == "application/pdf"


def test_the_message_has_a_text_body_and_an_html_alternative(mailoutbox, settings):
    send(build_family())

    [message] = mailoutbox
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "IND-2024-0042" in html
    assert settings.INSURER["phone"] in html
    assert "IND-2024-0042" in message.body
    assert settings.INSURER["phone"] in message.body


def test_the_text_body_is_not_html_escaped(mailoutbox):
    send(build_family())

    assert "Santé l'Équilibre" in mailoutbox[0].body
    assert "&#x27;" not in mailoutbox[0].subject + mailoutbox[0].body


def test_french_and_english_subjects_differ(mailoutbox):
    family = build_family()

    send(family, "fr")
    send(family, "en")

    french, english = (message.subject for message in mailoutbox)
    assert french != english
    assert "IND-2024-0042" in french
    assert "IND-2024-0042" in english
    assert "\n" not in french


def test_a_person_without_email_gets_nothing(mailoutbox):
    send(build_family(email=""))

    assert mailoutbox == []


def test_the_file_backend_leaves_a_readable_message(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

    send(build_family())

    [written] = list(Path(settings.EMAIL_FILE_PATH).iterdir())
    assert "IND-2024-0042" in written.read_text()


@pytest.fixture
def restore_signal_handlers():
    """The worker installs its own SIGINT/SIGTERM handlers: give pytest its own back."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_signal_handlers")
def test_the_database_queue_runs_the_task_in_the_worker(settings, mailoutbox):
    settings.TASKS = DATABASE
    family = build_family()

    result = email_certificate.enqueue(str(family.subscriber.public_id), "en")

    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.READY
    assert row.task_path == "contracts.tasks.email_certificate"
    assert mailoutbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    [message] = mailoutbox
    assert message.attachments[0][1].startswith(b"%PDF")
