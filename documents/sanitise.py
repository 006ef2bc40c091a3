"""Every uploaded document goes through here before it is stored (SECURITY: uploads) — one module for every path
(claims, requests, privacy identity documents, professionals' messages; bulk CSV files get ``scan_bytes``).

1. Size: empty or over the path's limit is refused.
2. The virus scan (``documents.antivirus``) of the bytes as sent: malware is refused; a scanner that cannot answer
   refuses the file with "try again later" (fail closed). Then the real type from the first bytes, whatever the
   name or the browser say.
3. Neutralisation — what is stored is never the bytes that were sent:
   - images (JPEG, PNG, HEIC through pillow-heif) are decoded by Pillow (bounded dimensions), turned upright by
     their EXIF orientation and re-encoded without any metadata (EXIF, GPS, ICC, text chunks); HEIC becomes JPEG;
   - PDFs are rewritten by pikepdf (qpdf) without JavaScript, open/page/annotation actions, launch actions,
     embedded files, forms (AcroForm, XFA), multimedia or outlines; the rewritten file is read again and refused if
     any active content is still reachable. Encrypted or unparseable PDFs are refused.

Everything happens in a working buffer held in memory up to the limit (beyond, an *unlinked* temporary file): no
plaintext copy ever has a name on disk.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

import pikepdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from documents import antivirus

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
DOCUMENT_TYPES = (PDF, JPEG, PNG, HEIC)
MAX_PIXELS = 60_000_000  # a 60-megapixel phone photo at most; larger is a decompression bomb
JPEG_QUALITY = 85
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_CHUNK = 64 * 1024
_DECODING = threading.Lock()
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", HEIC: "HEIF"}

try:  # pillow-heif is in the lock; without it HEIC photos are refused, never stored as sent
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - the lock installs it
    HEIF_AVAILABLE = False
else:
    register_heif_opener()
    HEIF_AVAILABLE = True

# How rewritten PDFs are written: no object streams (dictionaries stay readable, re-checked after writing), an ID
# derived from the content (no randomness), the metadata left as it is.
SAVE_OPTIONS = {
    "object_stream_mode": pikepdf.ObjectStreamMode.disable,
    "deterministic_id": True,
    "fix_metadata_version": False,
}
# Keys whose presence anywhere in a rewritten PDF makes it refused (they can only carry active content).
_ACTIVE_KEYS = (
    "/JS",
    "/JavaScript",
    "/OpenAction",
    "/AA",
    "/AcroForm",
    "/XFA",
    "/EmbeddedFiles",
    "/EF",
    "/AF",
    "/RichMedia",
)
_ACTIVE_ACTIONS = (
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/ResetForm",
    "/GoToE",
    "/GoToR",
    "/Rendition",
    "/Sound",
    "/Movie",
    "/RichMediaExecute",
    "/Hide",
    "/SetOCGState",
    "/Trans",
    "/GoTo3DView",
)
_ACTIVE_TYPES = ("/EmbeddedFile", "/Filespec", "/Action")
# Annotations kept (marks on the page); their actions are removed. Widgets (forms), file attachments, screens,
# movies, sounds, rich media and 3D are dropped.
_KEPT_ANNOTATIONS = {
    "/Link", "/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight",
    "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink", "/Popup",
}  # fmt: skip


class Refused(ValidationError):
    """A file that is not accepted; the message names the file and says why (and what to do)."""


@dataclass
class Sanitised:
    """The neutralised bytes of an accepted upload, waiting in a working buffer to be stored."""

    file: IO[bytes]
    original_name: str
    detected_type: str  # what was sent
    content_type: str  # what is stored
    original_size: int
    sha256: str  # of the bytes that were sent
    pages: int = 1
    width: int | None = None
    height: int | None = None
    extra: dict = field(default_factory=dict)  # what a path's ``inspect`` callback found (claims: blur score)
    _buffers: list[IO[bytes]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.file.seek(0, os.SEEK_END)

    def read(self) -> bytes:
        self.file.seek(0)
        return self.file.read()

    def close(self) -> None:
        for buffer in self._buffers:
            buffer.close()


def safe_name(name: str | None) -> str:
    """The uploaded name reduced to its last part, printable, 255 characters at most (only ever displayed)."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch != "\x00").strip()
    return (base or "document")[-255:]


def _refuse(message, name: str, code: str, **params) -> Refused:
    return Refused(message, code=code, params={"name": name[:80], **params})


def sniff(head: bytes) -> str | None:
    """The type the first bytes show (magic numbers); None for anything else."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIC
    return None


SPOOL_BYTES = 512 * 1024  # a working buffer larger than this goes to an unlinked temporary file (issue 11)


def buffer(limit: int) -> IO[bytes]:
    """A working buffer in memory up to ``SPOOL_BYTES`` (or ``limit`` if smaller); beyond, an unlinked temporary
    file (no name on disk): a claim of 50 photos does not hold 50 copies in the worker's memory."""
    return tempfile.SpooledTemporaryFile(max_size=min(limit + 1, SPOOL_BYTES))  # noqa: SIM115 - closed by Sanitised.close


def _copy(upload, out: IO[bytes], limit: int) -> tuple[str, int, bytes]:
    digest, size, head = hashlib.sha256(), 0, b""
    upload.seek(0)
    chunks = upload.chunks(_CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(_CHUNK), b"")
    for chunk in chunks:
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        digest.update(chunk)
        size += len(chunk)
        if size > limit:
            break
        out.write(chunk)
    out.seek(0)
    upload.seek(0)
    return digest.hexdigest(), size, head


def _too_large(name: str, limit: int) -> Refused:
    megabytes = max(1, limit // (1024 * 1024))
    return _refuse(_("%(name)s is too large: %(limit)s MB at most."), name, "too_large", limit=megabytes)


def _not_accepted(name: str, accepted: Iterable[str]) -> Refused:
    labels = [{PDF: "PDF", JPEG: "JPEG", PNG: "PNG", HEIC: "HEIC"}[kind] for kind in accepted]
    kinds = (
        labels[0]
        if len(labels) == 1
        else _("%(list)s or %(last)s") % {"list": ", ".join(labels[:-1]), "last": labels[-1]}
    )
    return _refuse(
        _("%(name)s is not a %(kinds)s document (its content was checked, not its name)."), name, "type", kinds=kinds
    )


def scan(stream: IO[bytes], name: str) -> None:
    """The virus scan; raise ``Refused`` on malware, and also when the scanner cannot answer (fail closed)."""
    try:
        antivirus.scan(stream)
    except antivirus.Infected:
        raise _refuse(_("%(name)s was refused by the antivirus check."), name, "malware") from None
    except antivirus.ScannerUnavailable:
        raise _refuse(
            _("%(name)s could not be checked by the antivirus right now: try again later."), name, "scan_unavailable"
        ) from None


def scan_bytes(content: bytes, name: str) -> None:
    """The virus scan of content read whole (bulk CSV files): same refusals as ``scan``."""
    work = buffer(len(content))
    try:
        work.write(content)
        scan(work, name)
    finally:
        work.close()


def sanitise(
    upload,
    *,
    max_bytes: int,
    accepted: Iterable[str] = DOCUMENT_TYPES,
    max_pages: int | None = None,
    max_side: int | None = None,
    jpeg_only: bool = False,
    inspect: Callable[[Image.Image, Sanitised], None] | None = None,
) -> Sanitised:
    """Check, scan and neutralise one upload; raise ``Refused`` (a ValidationError) or return what to store.

    ``max_side`` downscales pictures; ``jpeg_only`` stores every picture as JPEG; ``inspect(image, result)`` sees
    the upright picture before it is re-encoded (the claims service measures blur there)."""
    accepted = tuple(accepted)
    name = safe_name(getattr(upload, "name", ""))
    declared = getattr(upload, "size", None)
    if declared is not None and declared > max_bytes:
        raise _too_large(name, max_bytes)
    source = buffer(max_bytes)
    try:
        sha256, size, head = _copy(upload, source, max_bytes)
        if size == 0:
            raise _refuse(_("%(name)s is empty."), name, "empty")
        if size > max_bytes:
            raise _too_large(name, max_bytes)
        scan(source, name)  # first: whatever was sent is scanned, before any parser reads it
        kind = sniff(head)
        if kind not in accepted:
            raise _not_accepted(name, accepted)
        result = Sanitised(source, name, kind, kind, size, sha256, _buffers=[source])
        if kind == PDF:
            _rewrite_pdf(result, max_pages=max_pages, limit=max_bytes)
        else:
            _reencode_image(result, max_side=max_side, jpeg_only=jpeg_only, inspect=inspect, limit=max_bytes)
        return result
    except BaseException:
        source.close()
        raise


# --- Pictures ----------------------------------------------------------------------------------------------------


def _dimensions(name: str) -> Refused:
    return _refuse(_("%(name)s is not a usable picture (its dimensions are out of range)."), name, "dimensions")


def _unreadable_picture(name: str) -> Refused:
    return _refuse(_("%(name)s cannot be read as a picture."), name, "unreadable")


def flatten(image: Image.Image) -> Image.Image:
    """RGB (or greyscale) for JPEG: transparency laid on white, palettes expanded."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        page = Image.new("RGB", rgba.size, (255, 255, 255))
        page.paste(rgba, mask=rgba.getchannel("A"))
        return page
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


@contextmanager
def _strict_decoding():
    """Truncated pictures raise while decoding here: WeasyPrint turns Pillow's ``LOAD_TRUNCATED_IMAGES`` on for the
    whole process when it is imported, which would let a cut photo through as a half-grey picture."""
    with _DECODING:
        previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _reencode_image(result: Sanitised, *, max_side, jpeg_only, inspect, limit) -> None:
    with _strict_decoding():
        _decode_and_reencode(result, max_side=max_side, jpeg_only=jpeg_only, inspect=inspect, limit=limit)


def _decode_and_reencode(result: Sanitised, *, max_side, jpeg_only, inspect, limit) -> None:
    name = result.original_name
    if result.detected_type == HEIC and not HEIF_AVAILABLE:  # pragma: no cover - pillow-heif is in the lock
        raise _unreadable_picture(name)
    formats = [_PILLOW_FORMATS[result.detected_type]]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            result.file.seek(0)
            with Image.open(result.file, formats=formats) as probe:
                _check_dimensions(probe, name)
                if result.detected_type != HEIC:
                    probe.verify()
            result.file.seek(0)
            with Image.open(result.file, formats=formats) as opened:
                _check_dimensions(opened, name)
                result.extra["sent_size"] = opened.size
                if max_side and result.detected_type == JPEG:  # decoded straight at the smallest scale that still
                    ratio = min(1.0, max_side / max(opened.size))  # covers max_side (libjpeg's DCT scaling): a
                    opened.draft(None, (round(opened.width * ratio), round(opened.height * ratio)))  # 12 Mpx photo
                opened.load()  # is never expanded to its full 36 MB of pixels
                upright = ImageOps.exif_transpose(opened)
                keep_png = result.detected_type == PNG and not jpeg_only
                image = (
                    upright.convert("RGBA") if keep_png and upright.mode not in ("RGB", "RGBA", "L", "LA") else upright
                )
                if not keep_png:
                    image = flatten(image)
                if inspect is not None:
                    inspect(image, result)
                if max_side:
                    image = image.copy() if image is opened else image
                    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                clean = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only: no info, no EXIF
                target = buffer(limit)
                result._buffers.append(target)
                if keep_png:
                    clean.save(target, format="PNG", optimize=True)
                    result.content_type = PNG
                else:
                    clean.save(target, format="JPEG", quality=JPEG_QUALITY, optimize=True)
                    result.content_type = JPEG
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _dimensions(name) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, RuntimeError, MemoryError):
        raise _unreadable_picture(name) from None
    target.seek(0)
    result.file, (result.width, result.height) = target, clean.size


def _check_dimensions(image: Image.Image, name: str) -> None:
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        raise _dimensions(name)


# --- PDFs --------------------------------------------------------------------------------------------------------


def _unreadable_pdf(name: str) -> Refused:
    return _refuse(_("%(name)s cannot be read as a PDF."), name, "unreadable")


def _rewrite_pdf(result: Sanitised, *, max_pages: int | None, limit: int) -> None:
    name = result.original_name
    try:
        result.file.seek(0)
        with pikepdf.open(result.file) as pdf:
            if pdf.is_encrypted:
                raise _encrypted(name)
            pages = len(pdf.pages)
            if pages == 0:
                raise _refuse(_("%(name)s has no page."), name, "unreadable")
            if max_pages and pages > max_pages:
                raise _refuse(
                    _("%(name)s has %(pages)s pages: %(limit)s at most."), name, "pages", pages=pages, limit=max_pages
                )
            _strip_active_content(pdf)
            target = buffer(limit * 4)
            result._buffers.append(target)
            pdf.remove_unreferenced_resources()
            pdf.save(target, **SAVE_OPTIONS)
        target.seek(0)
        with pikepdf.open(target) as rewritten:
            if any(_is_active(obj) for obj in rewritten.objects) or _is_active(rewritten.trailer):
                raise _refuse(
                    _("%(name)s contains active content (scripts, actions or attachments) that cannot be removed."),
                    name,
                    "active_content",
                )
    except Refused:
        raise
    except pikepdf.PasswordError:
        raise _encrypted(name) from None
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError,
            RuntimeError, MemoryError, NotImplementedError):  # fmt: skip
        raise _unreadable_pdf(name) from None
    target.seek(0)
    result.file, result.pages, result.content_type = target, pages, PDF


def _encrypted(name: str) -> Refused:
    return _refuse(_("%(name)s is protected by a password: send it without protection."), name, "encrypted")


def _strip_active_content(pdf) -> None:
    root = pdf.Root
    for key in ("/OpenAction", "/AA", "/AcroForm", "/Outlines", "/Collection", "/Threads", "/SpiderInfo", "/Perms",
                "/Legal", "/Requirements", "/URI", "/AF"):  # fmt: skip
        if key in root:
            del root[key]
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations", "/Renditions", "/AP", "/Templates",
                    "/Pages", "/IDS", "/URLS"):  # fmt: skip
            if key in names:
                del names[key]
    for page in pdf.pages:
        page_object = page.obj
        for key in ("/AA", "/Trans", "/AF"):
            if key in page_object:
                del page_object[key]
        annotations = page_object.get("/Annots")
        if annotations is None:
            continue
        kept = pikepdf.Array()
        for annotation in annotations if isinstance(annotations, pikepdf.Array) else []:
            if not isinstance(annotation, pikepdf.Dictionary):
                continue
            if str(annotation.get("/Subtype", "")) not in _KEPT_ANNOTATIONS:
                continue
            for key in ("/A", "/AA", "/FS", "/AF", "/RichMediaContent", "/Parent"):
                if key in annotation:
                    del annotation[key]
            kept.append(annotation)
        page_object.Annots = kept


def _is_active(obj, depth: int = 0) -> bool:
    """Whether an object, or any direct object inside it, can carry active content (indirect objects are visited
    on their own: the caller walks every object of the file)."""
    if depth > 64:
        return True  # nesting no real document needs
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Array):
        return any(_is_active(item, depth + 1) for item in obj if not getattr(item, "is_indirect", False))
    if not isinstance(obj, pikepdf.Dictionary):
        return False
    if set(obj.keys()).intersection(_ACTIVE_KEYS):
        return True
    if str(obj.get("/S", "")) in _ACTIVE_ACTIONS or str(obj.get("/Type", "")) in _ACTIVE_TYPES:
        return True
    return any(_is_active(value, depth + 1) for value in obj.values() if not getattr(value, "is_indirect", False))
