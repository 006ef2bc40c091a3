"""Find and remove what a killed worker or a failed step left behind (``manage.py sweep_files``).

*Orphans* are stored (encrypted) files no row names: a worker killed between storing a document and committing the
row, a half-written file on a full disk, an interrupted key rotation. Only the folders listed in ``SWEPT_FOLDERS``
are swept, each with the columns that name its files, so a folder nobody declared is never emptied by mistake.
*Leftovers* are named temporary copies the application (or a former version of it) wrote in the temporary folder.
Both are removed only once older than ``min_age`` (one hour): a file being stored right now is never taken.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from documents.transactional import delete_names

# folder of the document storage → the "app_label.Model.field" columns naming its files
SWEPT_FOLDERS: dict[str, tuple[str, ...]] = {
    "claims": ("claims.CareDocument.stored_name",),
    "reading": ("reading.Reading.stored_name",),
    "demarches": ("demarches.RequestAttachment.file",),
    "professionals": ("professionals.ContactMessage.attachment_name",),
    "privacy": (
        "privacy.PrivacyRequest.identity_document_name",
        "privacy.PrivacyRequest.export_json_name",
        "privacy.PrivacyRequest.export_pdf_name",
    ),
    "healthz": (),  # probes of /healthz, deleted at once unless the worker died
}
# Named temporary copies: former claims working copies, Django's named upload spool files.
LEFTOVER_PATTERNS = ("omclaim-*", "tmp*.upload")
BATCH = 500


@dataclass
class SweepReport:
    orphans: list[str] = field(default_factory=list)
    young_orphans: int = 0
    leftovers: list[Path] = field(default_factory=list)
    referenced: int = 0


def _batches(names: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for name in names:
        batch.append(name)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _referenced(columns: tuple[str, ...], names: list[str]) -> set[str]:
    found: set[str] = set()
    for column in columns:
        app_label, model_name, field_name = column.split(".")
        model = apps.get_model(app_label, model_name)
        found.update(model._default_manager.filter(**{f"{field_name}__in": names}).values_list(field_name, flat=True))
    return found


def _stored(folder: str) -> Iterator[str]:
    storage = default_storage
    walk = getattr(storage, "stored_names", None)
    if walk is not None:
        yield from walk(folder)


def find_orphans(report: SweepReport, limit: datetime) -> None:
    for folder, columns in SWEPT_FOLDERS.items():
        for batch in _batches(_stored(folder)):
            referenced = _referenced(columns, batch)
            report.referenced += len(referenced)
            for name in batch:
                if name in referenced:
                    continue
                if default_storage.get_modified_time(name) < limit:
                    report.orphans.append(name)
                else:
                    report.young_orphans += 1


def find_leftovers(report: SweepReport, limit: datetime) -> None:
    folder = Path(getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or tempfile.gettempdir())
    for pattern in LEFTOVER_PATTERNS:
        for path in folder.glob(pattern):
            try:
                modified = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone())
            except FileNotFoundError:
                continue
            if path.is_file() and modified < limit:
                report.leftovers.append(path)


def sweep(*, min_age: timedelta = timedelta(hours=1), dry_run: bool = False) -> SweepReport:
    """Find orphans and leftovers older than ``min_age``; remove them unless ``dry_run``."""
    limit = timezone.now() - min_age
    report = SweepReport()
    find_orphans(report, limit)
    find_leftovers(report, limit)
    if not dry_run:
        delete_names(report.orphans)
        for path in report.leftovers:
            path.unlink(missing_ok=True)
    return report
