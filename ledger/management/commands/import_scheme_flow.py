"""``manage.py import_scheme_flow FILE``: import a file of the compulsory scheme's statements (NOEMIE / CFE).

Idempotent: a second run of the same file changes nothing. A progress bar goes to stderr.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ledger.services import flow_import


def _bar(stream):
    def progress(done: int, total: int) -> None:
        width = 40
        filled = width * done // total if total else width
        percent = 100 * done // total if total else 100
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {percent:3d} % {done}/{total}")
        stream.flush()

    return progress


class Command(BaseCommand):
    help = "Import a file of the compulsory scheme's reimbursement statements (CSV or JSON, see ledger/flow.py)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        started = time.monotonic()
        progress = None if options["no_progress"] else _bar(sys.stderr)
        result = flow_import(actor=None, content=path.read_bytes(), file_name=path.name, progress=progress)
        if progress:
            sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{result.line_count} lines: {result.paid_count} paid ({result.total_paid} EUR), "
            f"{result.rejected_count} rejected, {result.skipped_count} already imported; {elapsed:.1f} s"
        )
