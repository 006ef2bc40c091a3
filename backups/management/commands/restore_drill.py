"""``manage.py restore_drill --from DIR``: restore a backup into a fresh database and storage and check it all."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.drill import check_restored, restore_and_check


class Command(BaseCommand):
    help = (
        "Restore a backup (manage.py backup) into a fresh database and a fresh folder, then check the files' "
        "checksums, the rows, verify_audit and that every document named decrypts; exit status 1 on any problem."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path, help="The backup's folder.")
        parser.add_argument("--keep", action="store_true", help="Keep the restored database and folder.")
        parser.add_argument("--check-restored", action="store_true", help="(internal) check this configuration.")

    def handle(self, *args, source: Path, keep: bool, check_restored: bool, **options) -> None:
        if check_restored:
            findings = check_restored_here(source)
            lines, problems = findings.lines, findings.problems
        else:
            lines, problems, _code = restore_and_check(source, keep=keep)
        for line in lines:
            self.stdout.write(line)
        for problem in problems:
            self.stderr.write(f"PROBLEM: {problem}")
        if problems:
            raise CommandError(f"restore drill: {len(problems)} problem(s)", returncode=1)
        if not check_restored:
            self.stdout.write(self.style.SUCCESS("restore drill: the backup restores and checks out"))


check_restored_here = check_restored
