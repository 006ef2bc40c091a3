"""``manage.py run_info``: what ``make run`` tells after the demo logins: the address, the mail, the worker."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

PROCFILE = Path(settings.BASE_DIR) / "Procfile"


def procfile_command(name: str) -> str:
    """The command of one process type of the Procfile (``web``, ``worker``)."""
    for line in PROCFILE.read_text(encoding="utf-8").splitlines():
        key, _, command = line.partition(":")
        if key.strip() == name and not line.startswith("#"):
            return command.strip().removeprefix("exec ")
    raise KeyError(name)


def _shown(path: str) -> str:
    folder = Path(path).resolve()
    try:
        return f"{folder.relative_to(Path.cwd())}/"
    except ValueError:
        return f"{folder}/"


def mail_destination() -> str:
    backend = settings.EMAIL_BACKEND
    if backend.endswith(("EmlFileBackend", "filebased.EmailBackend")):
        return (
            f"one .eml file per message under {_shown(settings.EMAIL_FILE_PATH)} "
            "(open it with a mail client or a text editor)"
        )
    if backend.endswith("console.EmailBackend"):
        return "printed in this terminal by the process that sends them"
    return f"sent through {getattr(settings, 'EMAIL_HOST', '?')}:{getattr(settings, 'EMAIL_PORT', '?')}"


class Command(BaseCommand):
    help = "Say where the portal is served, where its emails go and what runs the background tasks."

    def handle(self, *args, **options) -> None:
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Portal:  {settings.PORTAL_URL}/ (every link in the emails starts there)",
                    f"Emails:  {mail_destination()}",
                    f"Worker:  a task worker ({procfile_command('worker')}) runs beside the web server,"
                    " its lines prefixed 'worker.1 |';",
                    f"Sealer:  the audit sealer ({procfile_command('sealer')}) chains the evidence trail as it"
                    " commits, 'sealer.1 |'; Ctrl-C stops all three.",
                    "",
                ]
            )
        )
