"""Getting the text out of a bill: the PDF's own text layer when it has one, Tesseract otherwise.

Everything is bounded so that a hostile file costs the worker little: Pillow refuses images above
``MAX_PIXELS`` (a decompression bomb), a PDF is read for ``MAX_PAGES`` pages at most, and each Tesseract run is
killed after ``OCR_TIMEOUT`` seconds. A refused file raises ``Unreadable`` with a short code; the caller stores it.
Images are prepared first: turned upright (EXIF), greyscale, scaled so that the text is ~30 px high, contrast
stretched and thresholded. Tesseract's orientation detection (OSD) picks the rotation to try first; a page that
reads like no bill (fewer than ``GOOD_WORDS`` bill words) is tried the other ways up, within the same time box.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageOps

MAX_PIXELS = 60_000_000
MAX_PAGES = 5
MAX_SIDE = 2600
MIN_SIDE = 1400
OCR_TIMEOUT = 40
LANG = "fra+eng"
MIN_TEXT_LAYER = 40  # characters: below this a PDF page is a scan


class Unreadable(Exception):
    """The file cannot be read; ``code`` says why (bomb, pages, timeout, broken)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Extracted:
    text: str
    method: str  # "pdf_text" or "ocr"
    pages: int
    seconds: float


def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover
        return
    register_heif_opener()


def prepare(image: Image.Image) -> Image.Image:
    """Upright, greyscale, sized for Tesseract, contrast stretched, thresholded."""
    image = ImageOps.exif_transpose(image)
    grey = ImageOps.grayscale(image)
    longest = max(grey.size)
    if longest > MAX_SIDE or longest < MIN_SIDE:
        scale = (MAX_SIDE if longest > MAX_SIDE else MIN_SIDE) / longest
        grey = grey.resize((max(1, int(grey.width * scale)), max(1, int(grey.height * scale))), Image.LANCZOS)
    grey = ImageOps.autocontrast(grey, cutoff=1)
    grey = grey.filter(ImageFilter.MedianFilter(3))
    histogram = grey.histogram()
    threshold = _otsu(histogram)
    return grey.point(lambda value: 255 if value > threshold else 0, mode="L")


def _otsu(histogram: list[int]) -> int:
    total = sum(histogram)
    weighted = sum(i * h for i, h in enumerate(histogram))
    background, sum_background, best, best_threshold = 0, 0.0, 0.0, 127
    for level, count in enumerate(histogram):
        background += count
        if background == 0:
            continue
        foreground = total - background
        if foreground == 0:
            break
        sum_background += level * count
        mean_b = sum_background / background
        mean_f = (weighted - sum_background) / foreground
        between = background * foreground * (mean_b - mean_f) ** 2
        if between > best:
            best, best_threshold = between, level
    return best_threshold


# Words every bill prints: a page read the right way up shows several; one read sideways, almost none.
LEXICON = frozenset(
    {
        "total",
        "date",
        "part",
        "patient",
        "consultation",
        "facture",
        "pharmacie",
        "honoraires",
        "docteur",
        "rpps",
        "finess",
        "siret",
        "adeli",
        "soins",
        "acte",
        "payer",
        "paye",
        "net",
        "ttc",
        "assurance",
        "maladie",
        "ticket",
        "monture",
        "verres",
        "couronne",
        "dentiste",
        "opticien",
        "medecin",
        "rue",
        "merci",
        "service",
        "doctor",
        "due",
        "paid",
        "clinic",
    }
)
GOOD_WORDS = 4
OSD_SURE = 1.5  # Tesseract's orientation confidence above which its rotation is taken without trying others


def _osd(image: Image.Image) -> tuple[int, float]:
    """The rotation Tesseract's OSD sees (0, 90, 180, 270) and its confidence; (0, 0) when it cannot tell."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(image, config="--psm 0", timeout=10)
    except Exception:  # too little text, or a timeout
        return 0, 0.0
    match = re.search(r"Rotate: (\d+)", osd)
    confidence = re.search(r"Orientation confidence: ([\d.]+)", osd)
    if match and confidence:
        return int(match.group(1)) % 360, float(confidence.group(1))
    return 0, 0.0


def quality(text: str) -> int:
    """How many bill words the text holds (accents folded): a measure of a page read the right way up."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return sum(1 for word in re.findall(r"[a-z]{3,}", folded) if word in LEXICON)


def _candidates(image: Image.Image) -> list[int]:
    """Rotations to try: OSD's alone when it is sure; else upright, then OSD's guess, then the others."""
    rotation, confidence = _osd(image)
    if confidence >= OSD_SURE:
        return [rotation]
    first = list(dict.fromkeys([0, rotation]))
    return first + [r for r in (0, 90, 180, 270) if r not in first]


def ocr_image(image: Image.Image, *, timeout: float = OCR_TIMEOUT) -> str:
    """OCR of a picture, turned until it reads like a bill; the whole stays within ``timeout`` (else ``timeout``)."""
    import pytesseract

    prepared = prepare(image)
    deadline = time.monotonic() + timeout
    best, best_quality = "", -1
    for rotation in _candidates(prepared):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        page = prepared.rotate(-rotation, expand=True, fillcolor=255) if rotation else prepared
        try:
            text = pytesseract.image_to_string(page, lang=LANG, config="--psm 4", timeout=left)
        except RuntimeError as error:  # pytesseract raises RuntimeError("Tesseract process timeout")
            if best_quality < 0:
                raise Unreadable("timeout") from error
            break
        found = quality(text)
        if found > best_quality:
            best, best_quality = text, found
        if found >= GOOD_WORDS:
            break
    if best_quality < 0:
        raise Unreadable("timeout")
    return best


def _open_image(data: bytes) -> Image.Image:
    _register_heif()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise Unreadable("bomb")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise Unreadable("bomb") from error
    except Unreadable:
        raise
    except Exception as error:
        raise Unreadable("broken") from error
    return image


def _pdf_pages(data: bytes):
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Unreadable("encrypted")
        count = len(reader.pages)
    except Unreadable:
        raise
    except Exception as error:
        raise Unreadable("broken") from error
    if count > MAX_PAGES:
        raise Unreadable("pages")
    return reader, count


def _pdf_images(page) -> list[Image.Image]:
    found = []
    for image_file in page.images:
        width, height = image_file.image.size if image_file.image else (0, 0)
        if width * height > MAX_PIXELS:
            raise Unreadable("bomb")
        found.append(image_file.image)
    return found


def extract(data: bytes, *, kind: str) -> Extracted:
    """The text of a PDF or an image (``kind`` is ``pdf`` or anything else for an image)."""
    started = time.perf_counter()
    if kind == "pdf":
        reader, count = _pdf_pages(data)
        texts = []
        try:
            texts = [page.extract_text() or "" for page in reader.pages]
        except Exception as error:
            raise Unreadable("broken") from error
        if sum(len(t.strip()) for t in texts) >= MIN_TEXT_LAYER:
            return Extracted("\n".join(texts), "pdf_text", count, time.perf_counter() - started)
        ocr_texts = []
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        try:
            for page in reader.pages:
                for image in _pdf_images(page):
                    ocr_texts.append(ocr_image(image))
        except Unreadable:
            raise
        except Exception as error:
            raise Unreadable("broken") from error
        return Extracted("\n".join(ocr_texts), "ocr", count, time.perf_counter() - started)
    image = _open_image(data)
    return Extracted(ocr_image(image), "ocr", 1, time.perf_counter() - started)
