"""Getting the text out of a bill: the PDF's own text layer when it has one, Tesseract otherwise.

Everything is bounded so that a hostile file costs the worker little: Pillow refuses images above
``MAX_PIXELS`` (a decompression bomb), a PDF is read for ``MAX_PAGES`` pages at most, and each Tesseract run is
killed after ``OCR_TIMEOUT`` seconds. A refused file raises ``Unreadable`` with a short code; the caller stores it.
Images are prepared first: turned upright (EXIF), greyscale, scaled so that the text is ~30 px high, contrast
stretched and thresholded; Tesseract's orientation detection turns a page on its side or upside down.
"""

from __future__ import annotations

import io
import re
import time
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


def _rotation(image: Image.Image) -> int:
    """The rotation Tesseract's OSD sees (0, 90, 180, 270); 0 when it cannot tell."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(image, config="--psm 0", timeout=10)
    except Exception:  # too little text, or a timeout: read as it is
        return 0
    match = re.search(r"Rotate: (\d+)", osd)
    confidence = re.search(r"Orientation confidence: ([\d.]+)", osd)
    if match and confidence and float(confidence.group(1)) >= 1.5:
        return int(match.group(1)) % 360
    return 0


def ocr_image(image: Image.Image, *, timeout: int = OCR_TIMEOUT) -> str:
    import pytesseract

    prepared = prepare(image)
    rotation = _rotation(prepared)
    if rotation:
        prepared = prepared.rotate(-rotation, expand=True, fillcolor=255)
    try:
        return pytesseract.image_to_string(prepared, lang=LANG, config="--psm 4", timeout=timeout)
    except RuntimeError as error:  # pytesseract raises RuntimeError("Tesseract process timeout")
        raise Unreadable("timeout") from error


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
