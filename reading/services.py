"""State changes of the reading app: start a reading (a bill uploaded first, or a supporting document just stored),
run it in the background, and store what was read (encrypted). OCR never runs on the request path."""

from __future__ import annotations

import json
import logging
import uuid

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from audit.services import record
from claims import uploads
from claims.models import CareDocument
from documents.transactional import StoredFiles
from jobs.services import task_queue_on_commit
from reading import extraction, parser, selectors
from reading.models import Reading, ReadingStatus

logger = logging.getLogger(__name__)
STORED_FOLDER = "reading"


def readings_for_documents(documents: list[CareDocument]) -> list[Reading]:
    """Read supporting documents just stored: their readings inserted in the caller's transaction (one statement),
    one task for them all handed to the queue after the commit (a queue down then loses nothing: ``tasks_requeue``).
    Nothing when ``READING_SUPPORTING_DOCUMENTS`` is off."""
    if not settings.READING_SUPPORTING_DOCUMENTS or not documents:
        return []
    found = Reading.objects.bulk_create(
        Reading(
            profile_id=document.draft.profile_id if document.draft_id else None,
            document=document,
            original_name=document.original_name,
            kind=document.detected_type,
        )
        for document in documents
    )
    from reading.tasks import read_bills

    task_queue_on_commit(read_bills, [str(reading.pk) for reading in found])
    return found


def reading_start(*, actor, profile, upload) -> Reading:
    """A bill uploaded first to pre-fill the claim form: checked like any supporting document, stored encrypted,
    read in the background. Raises ``claims.uploads.DocumentRejected`` for a file that cannot be a bill."""
    from reading.tasks import read_bill

    checked = uploads.check_upload(upload)
    try:
        with StoredFiles() as files:
            name = f"{STORED_FOLDER}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
            checked.file.seek(0)
            files.add(default_storage.save(name, File(checked.file, name=name)))
            with files.atomic():
                reading = Reading.objects.create(
                    profile=profile,
                    stored_name=files.names[0],
                    original_name=checked.original_name,
                    kind=checked.detected_type,
                    pages=checked.pages,
                )
                record(actor=actor, action="reading.started", target=reading, profile="member")
                task_queue_on_commit(read_bill, str(reading.pk))
    finally:
        checked.cleanup()
    return reading


def _read_bytes(reading: Reading) -> bytes:
    name = reading.document.stored_name if reading.document_id else reading.stored_name
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def reading_run(*, reading_id) -> Reading | None:
    """Extract the text, understand it, store both; a hostile or broken file ends as ``failed`` with a code."""
    reading = Reading.objects.select_related("document").filter(pk=reading_id).first()
    if reading is None or reading.status != ReadingStatus.PENDING:
        return reading
    try:
        found = extraction.extract(_read_bytes(reading), kind=reading.kind)
    except extraction.Unreadable as refused:
        return _finish(reading, status=ReadingStatus.FAILED, error=refused.code)
    except Exception:
        logger.exception("Reading %s failed", reading.public_id)
        return _finish(reading, status=ReadingStatus.FAILED, error="error")
    fields = _with_directory(parser.parse(found.text))
    return _finish(
        reading,
        status=ReadingStatus.DONE,
        method=found.method,
        pages=found.pages,
        seconds=round(found.seconds, 3),
        text=found.text,
        fields_json=json.dumps(fields),
    )


def _with_directory(fields: dict) -> dict:
    """An identifier read that the professionals directory knows gives the name and specialty it holds."""
    match = selectors.directory_match(fields)
    if match is not None:
        fields["practitioner"] = parser.field(match.name, 0.99)
        fields["specialty"] = parser.field(str(match.get_specialty_display()), 0.99)
        fields["directory"] = parser.field(str(match.public_id), 0.99)
    return fields


@transaction.atomic
def _finish(reading: Reading, **values) -> Reading:
    updated = Reading.objects.filter(pk=reading.pk, status=ReadingStatus.PENDING).update(**values)
    if updated:
        for key, value in values.items():
            setattr(reading, key, value)
        record(
            actor=None,
            action="reading.finished",
            target=reading,
            data={"status": reading.status, "error": reading.error, "method": reading.method},
        )
    return reading
