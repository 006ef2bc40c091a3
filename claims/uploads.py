"""Checks of supporting documents (SPEC C3, SECURITY: uploads): real type by content, size, pages, readability.

Every upload is copied to a working buffer while its SHA-256 is computed: in memory up to ``SPOOL_BYTES`` (a
``SpooledTemporaryFile`` that rolls over to an *unlinked* file), so no plaintext copy ever has a name on disk that a
killed worker could leave behind, and a claim of 50 photos does not hold 50 copies in the worker's memory (issue 11:
a worker receiving 10 × 5 photos of 3 MB stays within 64 MB of its idle size).
PDFs are parsed with pypdf (at most ``CLAIM_MAX_PDF_PAGES`` pages, not encrypted) and kept as sent. Images
(JPEG, PNG, HEIC) are decoded with Pillow, turned upright, downscaled to ``CLAIM_MAX_IMAGE_SIDE`` and re-encoded
as JPEG quality 85 without their metadata (EXIF, GPS): what is stored is the re-encoded picture. A JPEG is decoded
straight at the smallest scale that still covers that size (libjpeg's DCT scaling, ``Image.draft``): a 12-megapixel
photo is never expanded to its full 36 MB of pixels, and the sent copy is dropped once re-encoded. A picture too
small or blurred gets a warning the member sees before submitting — a warning, not a refusal.

The blur measure needs no NumPy: the variance of Pillow's ``FIND_EDGES`` filter on a greyscale copy scaled to
1000 px; a sharp page of text scores in the thousands, a blurred one under ``CLAIM_BLUR_THRESHOLD`` (the tests
calibrate it on a generated page and its Gaussian-blurred copy).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
import warnings
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFilter, ImageOps, ImageStat, UnidentifiedImageError

from claims import conf
from claims.choices import DocumentType, QualityWarning
from documents.transactional import delete_names

logger = logging.getLogger(__name__)

JPEG_QUALITY = 85
MAX_PIXELS = 60_000_000  # a 60-megapixel phone photo at most; larger is a decompression bomb
BLUR_SAMPLE_SIDE = 1000
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
STORED_FOLDER = "claims"
_CHUNK = 64 * 1024
SPOOL_BYTES = 512 * 1024  # a working buffer larger than this goes to an unlinked temporary file

_heif_available = False


def register_heif() -> bool:
    """Let Pillow open HEIC photos when pillow-heif is installed; without it they are stored as sent."""
    global _heif_available
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        _heif_available = False
    else:
        register_heif_opener()
        _heif_available = True
    return _heif_available


class DocumentRejected(ValidationError):
    """A file that cannot be a supporting document; the message names the file and why."""


@dataclass
class CheckedFile:
    """An accepted upload waiting in a working buffer to be stored, with what the checks found."""

    file: IO[bytes]
    original_name: str
    detected_type: str
    content_type: str
    original_size: int
    sha256: str
    pages: int = 1
    width: int | None = None
    height: int | None = None
    warnings: list[str] = field(default_factory=list)
    blur_score: float | None = None
    temporary: list[IO[bytes]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.file.seek(0, os.SEEK_END)

    def read(self) -> bytes:
        self.file.seek(0)
        return self.file.read()

    def cleanup(self) -> None:
        for buffer in self.temporary:
            buffer.close()


def _reject(message, name: str, code: str) -> DocumentRejected:
    return DocumentRejected(message, code=code, params={"name": name[:80]})


def safe_name(name: str) -> str:
    """The uploaded name reduced to its last part, printable, 255 characters at most (only ever displayed)."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return (base or "document")[-255:]


def sniff(head: bytes) -> str | None:
    """The real type from the first bytes (magic numbers), whatever the name or the declared type say."""
    if head.startswith(b"%PDF-"):
        return DocumentType.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return DocumentType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return DocumentType.PNG
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return DocumentType.HEIC
    return None


def _copy_and_hash(upload, out: IO[bytes]) -> tuple[str, int, bytes]:
    digest, size, head = hashlib.sha256(), 0, b""
    upload.seek(0)
    for chunk in upload.chunks(_CHUNK):
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        digest.update(chunk)
        size += len(chunk)
        out.write(chunk)
    out.seek(0)
    return digest.hexdigest(), size, head


def _buffer() -> IO[bytes]:
    """A working buffer held in memory up to ``SPOOL_BYTES``; beyond, an unlinked temporary file (no name)."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by cleanup


def check_upload(upload) -> CheckedFile:
    """Check one uploaded file; raise ``DocumentRejected`` with a clear message, or return it ready to store."""
    name = safe_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise _reject(_("%(name)s is empty."), name, "empty")
    if size > conf.get("CLAIM_MAX_FILE_BYTES"):
        limit = conf.get("CLAIM_MAX_FILE_BYTES") // (1024 * 1024)
        raise DocumentRejected(
            _("%(name)s is too large: %(limit)s MB at most."), code="too_large", params={"name": name, "limit": limit}
        )
    source = _buffer()
    try:
        sha256, copied, head = _copy_and_hash(upload, source)
        if copied == 0:
            raise _reject(_("%(name)s is empty."), name, "empty")
        kind = sniff(head)
        if kind is None:
            raise _reject(_("%(name)s is not a PDF, JPEG, PNG or HEIC file."), name, "type")
        _scan(source, name)
        checked = CheckedFile(source, name, kind, "", copied, sha256, temporary=[source])
        if kind == DocumentType.PDF:
            _check_pdf(checked)
        else:
            _process_image(checked)
        return checked
    except BaseException:
        source.close()
        raise


def _scan(file: IO[bytes], name: str) -> None:
    """The antivirus hook (SECURITY: ClamAV when present): a callable(file) that raises ValueError on malware
    (``file`` is a binary stream at its start: ClamAV's INSTREAM takes it without a copy on disk)."""
    scanner = conf.get("CLAIM_UPLOAD_SCANNER")
    if scanner:
        try:
            file.seek(0)
            import_string(scanner)(file)
        except ValueError:
            raise _reject(_("%(name)s was refused by the antivirus check."), name, "malware") from None


def _check_pdf(checked: CheckedFile) -> None:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        checked.file.seek(0)
        reader = PdfReader(checked.file, strict=False)
        if reader.is_encrypted:
            raise _reject(
                _("%(name)s is protected by a password: send it without protection."),
                checked.original_name,
                "encrypted",
            )
        pages = len(reader.pages)
        if pages:
            reader.pages[0].mediabox  # noqa: B018 - the first page must parse
    except DocumentRejected:
        raise
    except (
        PdfReadError,
        FileNotDecryptedError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
    ):
        logger.info("Unreadable PDF refused.")
        raise _reject(_("%(name)s cannot be read as a PDF."), checked.original_name, "unreadable") from None
    if pages == 0:
        raise _reject(_("%(name)s has no page."), checked.original_name, "unreadable")
    if pages > conf.get("CLAIM_MAX_PDF_PAGES"):
        raise DocumentRejected(
            _("%(name)s has %(pages)s pages: %(limit)s at most."),
            code="pages",
            params={"name": checked.original_name, "pages": pages, "limit": conf.get("CLAIM_MAX_PDF_PAGES")},
        )
    checked.pages, checked.content_type = pages, "application/pdf"


def _process_image(checked: CheckedFile) -> None:
    if checked.detected_type == DocumentType.HEIC and not _heif_available:
        checked.content_type, checked.warnings = "image/heic", [QualityWarning.NOT_CHECKED.value]
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            checked.file.seek(0)
            with Image.open(checked.file) as probe:
                _check_dimensions(probe, checked.original_name)
                probe.verify()
            checked.file.seek(0)
            with Image.open(checked.file) as opened:
                original_size = opened.size
                side = conf.get("CLAIM_MAX_IMAGE_SIDE")
                ratio = min(1.0, side / max(original_size))
                opened.draft("RGB", (round(original_size[0] * ratio), round(original_size[1] * ratio)))
                opened.load()
                ImageOps.exif_transpose(opened, in_place=True)
                _reencode(checked, opened, original_size)
    except DocumentRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _dimensions(checked.original_name) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise _reject(_("%(name)s cannot be read as a picture."), checked.original_name, "unreadable") from None


def _check_dimensions(image: Image.Image, name: str) -> None:
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        raise _dimensions(name)


def _dimensions(name: str) -> DocumentRejected:
    return _reject(_("%(name)s is not a usable picture (its dimensions are out of range)."), name, "dimensions")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB (or greyscale) for JPEG: transparency laid on white, palettes expanded."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        page = Image.new("RGB", rgba.size, (255, 255, 255))
        page.paste(rgba, mask=rgba.getchannel("A"))
        return page
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


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


def _reencode(checked: CheckedFile, image: Image.Image, original_size: tuple[int, int]) -> None:
    image = _flatten(image)
    score = blur_score(image)
    checked.warnings, checked.blur_score = quality_warnings(image, score, original_size), round(score, 2)
    side = conf.get("CLAIM_MAX_IMAGE_SIDE")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    target = _buffer()
    checked.temporary.append(target)
    image.save(target, format="JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif=: metadata is dropped
    sent, checked.file, checked.content_type = checked.file, target, "image/jpeg"
    checked.width, checked.height = image.size
    sent.close()  # only the re-encoded picture is stored
    checked.temporary.remove(sent)


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
