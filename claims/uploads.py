"""Checks of supporting documents (SPEC C3, SECURITY: uploads): real type by content, size, pages, readability.

Every upload goes through ``documents.sanitise`` (the one module every upload path shares): size and type by
content, the virus scan, then neutralisation — PDFs rewritten by pikepdf without active content (at most
``CLAIM_MAX_PDF_PAGES`` pages, not encrypted), pictures (JPEG, PNG, HEIC) decoded by Pillow, turned upright,
downscaled to ``CLAIM_MAX_IMAGE_SIDE`` and re-encoded as JPEG quality 85 without their metadata (EXIF, GPS): what is
stored is never the bytes that were sent. Working buffers stay in memory up to 512 KB, beyond in an unlinked
temporary file, and a JPEG is decoded straight at the smallest scale that covers the stored size (issue 11: a worker
receiving 10 × 5 photos of 3 MB stays within 64 MB of its idle size, ``benchmarks/claim_upload.py``).
A picture too small or blurred gets a warning the member sees before
submitting — a warning, not a refusal.

The blur measure needs no NumPy: the variance of Pillow's ``FIND_EDGES`` filter on a greyscale copy scaled to
1000 px; a sharp page of text scores in the thousands, a blurred one under ``CLAIM_BLUR_THRESHOLD`` (the tests
calibrate it on a generated page and its Gaussian-blurred copy).
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from dataclasses import dataclass, field

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageFilter, ImageStat

from claims import conf
from claims.choices import DocumentType, QualityWarning
from documents import sanitise
from documents.transactional import delete_names

logger = logging.getLogger(__name__)

BLUR_SAMPLE_SIDE = 1000
STORED_FOLDER = "claims"
DocumentRejected = sanitise.Refused
safe_name = sanitise.safe_name
_KINDS = {
    sanitise.PDF: DocumentType.PDF,
    sanitise.JPEG: DocumentType.JPEG,
    sanitise.PNG: DocumentType.PNG,
    sanitise.HEIC: DocumentType.HEIC,
}


def sniff(head: bytes) -> str | None:
    """The claim's document type (``DocumentType``) the first bytes show; None for anything else."""
    return _KINDS.get(sanitise.sniff(head))


def register_heif() -> bool:
    """Whether Pillow opens HEIC photos (pillow-heif, registered by ``documents.sanitise``)."""
    return sanitise.HEIF_AVAILABLE


@dataclass
class CheckedFile(sanitise.Sanitised):
    """An accepted upload, neutralised, waiting in a working buffer to be stored, with what the checks found."""

    warnings: list[str] = field(default_factory=list)
    blur_score: float | None = None

    def cleanup(self) -> None:
        self.close()


def _inspect(image: Image.Image, result: sanitise.Sanitised) -> None:
    score = blur_score(image)
    warned = quality_warnings(image, score, result.extra.get("sent_size"))
    result.extra["warnings"], result.extra["blur_score"] = warned, round(score, 2)


def check_upload(upload) -> CheckedFile:
    """Check one uploaded file; raise ``DocumentRejected`` with a clear message, or return it ready to store."""
    done = sanitise.sanitise(
        upload,
        max_bytes=conf.get("CLAIM_MAX_FILE_BYTES"),
        max_pages=conf.get("CLAIM_MAX_PDF_PAGES"),
        max_side=conf.get("CLAIM_MAX_IMAGE_SIDE"),
        jpeg_only=True,
        inspect=_inspect,
    )
    fields = {item.name: getattr(done, item.name) for item in dataclasses.fields(sanitise.Sanitised)}
    fields["detected_type"] = _KINDS[done.detected_type]
    return CheckedFile(**fields, warnings=done.extra.get("warnings", []), blur_score=done.extra.get("blur_score"))


def blur_score(image: Image.Image) -> float:
    """Variance of the edges of a greyscale copy at 1000 px: low on a blurred picture, high on a sharp one."""
    sample = image.convert("L")
    sample.thumbnail((BLUR_SAMPLE_SIDE, BLUR_SAMPLE_SIDE), Image.Resampling.LANCZOS)
    if sample.width < 3 or sample.height < 3:
        return 0.0
    edges = sample.filter(ImageFilter.FIND_EDGES).crop((1, 1, sample.width - 1, sample.height - 1))
    return float(ImageStat.Stat(edges).var[0])


def quality_warnings(image: Image.Image, score: float, size: tuple[int, int] | None = None) -> list[str]:
    """``size``: the picture's size as sent, when ``image`` was decoded smaller."""
    found = []
    if min(size or image.size) < conf.get("CLAIM_MIN_IMAGE_SHORT_SIDE"):
        found.append(QualityWarning.TOO_SMALL.value)
    if score < float(conf.get("CLAIM_BLUR_THRESHOLD")):
        found.append(QualityWarning.BLURRED.value)
    return found


def check_all(uploads) -> list[CheckedFile]:
    """Check several files; if one is refused, the temporary copies of the others are removed too."""
    checked: list[CheckedFile] = []
    try:
        for upload in uploads:
            checked.append(check_upload(upload))
    except BaseException:
        cleanup(checked)
        raise
    return checked


def cleanup(checked: list[CheckedFile]) -> None:
    for item in checked:
        item.cleanup()


def store(checked: CheckedFile) -> str:
    """Save the checked bytes, encrypted by the default storage, under a random name; returns the name."""
    now = timezone.now()
    name = f"{STORED_FOLDER}/{now:%Y/%m}/{uuid.uuid4().hex}"
    checked.file.seek(0)
    return default_storage.save(name, File(checked.file, name=name))


def delete_stored(names: list[str]) -> None:
    """Remove stored files (a failed submission, a removed draft document); a missing one is no error."""
    delete_names(names)
