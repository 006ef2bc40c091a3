"""Supporting documents: checked by their content before anything is stored (SECURITY: uploads).

Accepted: PDF (``%PDF-`` header), JPEG and PNG (opened and verified by Pillow), HEIC (ISO-BMFF
``ftyp`` box with a HEIF brand; Pillow cannot read it without pillow-heif). The name a user gave is
kept only for display; the stored name is random and the type is the one found in the bytes.
"""

from __future__ import annotations

import hashlib
import secrets
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from documents.transactional import delete_names

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_FILES = 5
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
ACCEPTED_TYPES = (PDF, JPEG, PNG, HEIC)
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.heic,application/pdf,image/jpeg,image/png,image/heic"
_HEIF_BRANDS = {b"heic", b"heix", b"mif1"}
_PILLOW_TYPES = {"JPEG": JPEG, "PNG": PNG}
_HASH_CHUNK = 64 * 1024


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: what will be stored and recorded."""

    upload: UploadedFile
    original_name: str
    content_type: str
    size: int
    sha256: str


def clean_name(name: str | None) -> str:
    """The last part of the name the browser sent, without control characters, at most 255 characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    printable = "".join(char for char in base if char.isprintable()).strip()
    return printable[-255:] or "document"


def _head(upload: UploadedFile, size: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _image_type(upload: UploadedFile) -> str | None:
    """The image type Pillow recognises after verifying the whole file; None for anything else."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(_PILLOW_TYPES)) as image:  # no other parser runs
                image_format = image.format
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, ValueError):
        return None
    except SyntaxError:  # some of Pillow's parsers raise it on corrupt data
        return None
    finally:
        upload.seek(0)
    return _PILLOW_TYPES.get(image_format or "")


def detect_type(upload: UploadedFile) -> str | None:
    """The accepted type the content shows, whatever the name or the browser claim; None if not accepted."""
    head = _head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return _image_type(upload)


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(_HASH_CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_file(upload: UploadedFile) -> CheckedFile:
    name = clean_name(upload.name)
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    if size > MAX_FILE_SIZE:
        raise ValidationError(
            _("“%(name)s” is larger than 10 MB: send a smaller scan or photo."), code="too_large", params={"name": name}
        )
    content_type = detect_type(upload)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG, PNG or HEIC document (its content was checked, not its name)."),
            code="file_type",
            params={"name": name},
        )
    return CheckedFile(upload, name, content_type, size, _sha256(upload))


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
    """Save the bytes (encrypted by the default storage) under a random name in ``folder``; returns the name."""
    checked.upload.seek(0)
    name = f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"
    return default_storage.save(name, checked.upload)


def discard(names: Sequence[str]) -> None:
    """Remove files stored for an operation that did not complete (no orphan file stays)."""
    delete_names(names)
