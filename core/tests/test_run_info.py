"""``manage.py run_info``: what ``make run`` says after the demo logins (issue 9)."""

import io

import pytest
from django.core.management import call_command


def run_info() -> str:
    out = io.StringIO()
    call_command("run_info", stdout=out)
    return out.getvalue()


def test_it_names_the_portal_the_mail_folder_and_the_worker(settings, tmp_path):
    settings.PORTAL_URL, settings.EMAIL_BACKEND = "http://127.0.0.1:8765", "core.mailbackend.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    text = run_info()
    assert "Portal:  http://127.0.0.1:8765/" in text
    assert f"Emails:  one .eml file per message under {tmp_path / 'mail'}/" in text
    assert "Worker:  a task worker (python manage.py task_worker) runs beside the web server" in text
    assert "Sealer:  the audit sealer (python manage.py audit_seal --loop)" in text


@pytest.mark.parametrize(
    ("backend", "said"),
    [
        ("django.core.mail.backends.console.EmailBackend", "printed in this terminal"),
        ("django.core.mail.backends.smtp.EmailBackend", "sent through smtp.example.fr:587"),
    ],
)
def test_it_says_where_other_mail_backends_send(settings, backend, said):
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = backend, "smtp.example.fr", 587
    assert f"Emails:  {said}" in run_info()
