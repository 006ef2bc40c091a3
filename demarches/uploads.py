"""Supporting documents: checked, scanned and neutralised by ``documents.sanitise`` before anything is stored
(SECURITY: uploads).

Accepted: PDF (rewritten without active content), JPEG, PNG and HEIC (decoded and re-encoded without metadata; HEIC
becomes JPEG). The name a user gave is kept only for display; the stored name is random and the type is the one of
the stored bytes.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents import sanitise
from documents.transactional import delete_names

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_FILES = 5
PDF, JPEG, PNG, HEIC = sanitise.PDF, sanitise.JPEG, sanitise.PNG, sanitise.HEIC
ACCEPTED_TYPES = (PDF, JPEG, PNG, HEIC)
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.heic,application/pdf,image/jpeg,image/png,image/heic"
CheckedFile = sanitise.Sanitised
clean_name = sanitise.safe_name


def check_file(upload: UploadedFile, *, max_bytes: int = MAX_FILE_SIZE, accepted=ACCEPTED_TYPES) -> CheckedFile:
    """The upload checked, scanned and neutralised (``documents.sanitise``); a ValidationError says why not."""
    return sanitise.sanitise(upload, max_bytes=max_bytes, accepted=accepted)


def check_files(uploads: Iterable[UploadedFile] | None, *, minimum: int = 0) -> list[CheckedFile]:
    """Every file checked, or one ValidationError listing each problem; nothing is stored here."""
    files = list(uploads or ())
    if len(files) > MAX_FILES:
        raise ValidationError(_("Send at most %(max)d files at a time."), code="too_many", params={"max": MAX_FILES})
    if len(files) < minimum:
        raise ValidationError(
            _("Join at least %(min)d supporting document(s)."), code="too_few", params={"min": minimum}
        )
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(check_file(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked


def store(checked: CheckedFile, *, folder: str = "demarches") -> str:
    """Save the neutralised bytes (encrypted by the default storage) under a random name in ``folder``."""
    checked.file.seek(0)
    name = f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"
    return default_storage.save(name, File(checked.file, name=name))


def discard(names: Sequence[str]) -> None:
    """Remove files stored for an operation that did not complete (no orphan file stays)."""
    delete_names(names)
